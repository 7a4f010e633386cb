package dev.minihttp.boot;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.server.Response;
import java.io.OutputStream;
import java.util.function.Supplier;

/** A response that forwards everything to another; the starter's wrappers override what they change. */
abstract class ForwardingResponse implements Response {

    protected final Response delegate;

    ForwardingResponse(Response delegate) {
        this.delegate = delegate;
    }

    @Override
    public Response status(int status) {
        delegate.status(status);
        return this;
    }

    @Override
    public int status() {
        return delegate.status();
    }

    @Override
    public HttpHeaders headers() {
        return delegate.headers();
    }

    @Override
    public Response contentLength(long length) {
        delegate.contentLength(length);
        return this;
    }

    @Override
    public OutputStream body() {
        return delegate.body();
    }

    @Override
    public boolean isCommitted() {
        return delegate.isCommitted();
    }

    @Override
    public int bufferSize() {
        return delegate.bufferSize();
    }

    @Override
    public void bufferSize(int size) {
        delegate.bufferSize(size);
    }

    @Override
    public void resetBuffer() {
        delegate.resetBuffer();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public void trailers(Supplier<HttpHeaders> trailers) {
        delegate.trailers(trailers);
    }

    @Override
    public void suspend() {
        delegate.suspend();
    }

    @Override
    public boolean isSuspended() {
        return delegate.isSuspended();
    }

    @Override
    public void complete() {
        delegate.complete();
    }

    @Override
    public void abort() {
        delegate.abort();
    }

    @Override
    public boolean isReady() {
        return delegate.isReady();
    }

    @Override
    public void whenReady(Runnable callback) {
        delegate.whenReady(callback);
    }

    @Override
    public void upgrade(dev.minihttp.server.UpgradeHandler handler) {
        delegate.upgrade(handler);
    }

    @Override
    public void reportException(Throwable thrown) {
        delegate.reportException(thrown);
    }
}
