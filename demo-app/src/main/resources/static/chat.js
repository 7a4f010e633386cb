// A STOMP 1.2 client in a few lines (no library): CONNECT, SUBSCRIBE, SEND, MESSAGE.
(function () {
  'use strict';
  const name = new URLSearchParams(location.search).get('name') || ('page-' + Math.floor(Math.random() * 1e6));
  const body = document.body;
  const status = document.getElementById('status');
  const list = document.getElementById('messages');
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat/stomp');
  let joined = false;
  let joinTimer = null;

  function frame(command, headers, text) {
    let out = command + '\n';
    for (const [key, value] of Object.entries(headers)) {
      out += key + ':' + value + '\n';
    }
    return out + '\n' + (text || '') + '\0';
  }

  function send(text) {
    socket.send(frame('SEND', { destination: '/app/chat', 'content-type': 'text/plain;charset=UTF-8' }, text));
  }

  function setState(state, text) {
    body.dataset.state = state;
    status.textContent = text;
  }

  function received(text) {
    const item = document.createElement('li');
    item.className = 'message';
    item.textContent = text;
    list.appendChild(item);
    if (!joined && text === name + ' joined') {
      // Our own join came back: the subscription is in place, so nothing sent from now on is missed.
      joined = true;
      clearInterval(joinTimer);
      setState('subscribed', 'connected as ' + name);
    }
  }

  socket.onopen = () => {
    body.dataset.extensions = socket.extensions; // what the handshake negotiated (permessage-deflate)
    socket.send(frame('CONNECT', { 'accept-version': '1.2', host: location.hostname, 'heart-beat': '0,0' }));
  };
  socket.onmessage = (event) => {
    for (const raw of event.data.split('\0')) {
      const text = raw.replace(/^\n+/, ''); // heart-beats are bare newlines
      if (!text) {
        continue;
      }
      const split = text.indexOf('\n\n');
      const head = (split < 0 ? text : text.slice(0, split)).split('\n');
      const content = split < 0 ? '' : text.slice(split + 2);
      const command = head[0];
      if (command === 'CONNECTED') {
        socket.send(frame('SUBSCRIBE', { id: 'chat', destination: '/topic/chat' }));
        // The broker may take the subscription a moment after a first message: say so until it comes back.
        send(name + ' joined');
        joinTimer = setInterval(() => send(name + ' joined'), 500);
      } else if (command === 'MESSAGE') {
        received(content);
      } else if (command === 'ERROR') {
        setState('error', 'STOMP error: ' + content);
      }
    }
  };
  socket.onclose = (event) => setState('closed', 'closed (' + event.code + ')');

  document.getElementById('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    if (input.value && joined) {
      send(name + ': ' + input.value);
      input.value = '';
    }
  });
}());
