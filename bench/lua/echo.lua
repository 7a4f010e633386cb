-- POST /echo with a 1 KiB body (bench/spring-servers.sh, scenario "echo").
-- The body is built once; wrk sends the same request on every connection.
wrk.method = "POST"
wrk.body = string.rep("0123456789abcdef", 64) -- 1024 bytes
wrk.headers["Content-Type"] = "application/octet-stream"
