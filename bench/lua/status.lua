-- Status classes and the p99 of successful responses only (bench/spring-servers.sh, scenario
-- "overload"). wrk's own latency percentiles mix every response, and a server that answers 503 at
-- once would look fast; wrk's Lua API does not say which latency belongs to which response, so the
-- p99 of the 2xx is derived from wrk's latency histogram:
--
--   Every 2xx takes at least FLOOR ms (the handler sleeps that long; environment FLOOR_MS).
--   With E non-2xx responses among N recorded ones, if the E-th fastest response took less than
--   FLOOR, the E fastest responses are exactly the non-2xx ones, so the 2xx are the N-E slowest and
--   their p99 is wrk's percentile 100 * (E + 0.99 * (N - E)) / N. The check is printed as
--   p99_2xx_exact (1 = holds; 0 = some non-2xx took FLOOR or longer, e.g. a 503 that waited for a
--   busy CPU, and the value is then the p99 of the slowest N-E responses: an upper bound of the
--   2xx's p99, since those N-E are at least as slow as the N-E successful ones).
--
-- Output: one line "STATUS n2xx=.. n503=.. nother=.. p99_2xx_ms=.. p99_2xx_exact=.." in done().

-- Globals, not locals: done() reads them from each thread with thread:get(), which sees globals only.
c2xx, c503, cother = 0, 0, 0
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        c2xx = c2xx + 1
    elseif status == 503 then
        c503 = c503 + 1
    else
        cother = cother + 1
    end
end

function done(summary, latency, requests)
    local n2xx, n503, nother = 0, 0, 0
    for _, t in ipairs(threads) do
        n2xx = n2xx + t:get("c2xx")
        n503 = n503 + t:get("c503")
        nother = nother + t:get("cother")
    end
    local n = n2xx + n503 + nother
    local e = n503 + nother
    -- done() runs in wrk's main Lua state, not in a thread's: read the floor here.
    local floor_ms = tonumber(os.getenv("FLOOR_MS") or "0") or 0
    local p99, exact = 0, 1
    if n2xx > 0 then
        p99 = latency:percentile(100 * (e + 0.99 * n2xx) / n) / 1000
        if e > 0 and latency:percentile(100 * e / n) / 1000 >= floor_ms then
            exact = 0
        end
    end
    io.write(string.format("STATUS n2xx=%d n503=%d nother=%d p99_2xx_ms=%.3f p99_2xx_exact=%d\n",
        n2xx, n503, nother, p99, exact))
end
