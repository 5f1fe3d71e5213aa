-- wrk script: plain GET requests, each connection waiting BENCH_DELAY_MS milliseconds after a response before
-- it sends the next request, so the offered load stays below the proxy's capacity (wrk alone always saturates
-- it). wrk starts the latency clock when the request is written, so the wait is not counted.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")

function init(args)
  if pause == nil or pause < 0 then
    error("BENCH_DELAY_MS must be a number of milliseconds")
  end
end

function delay()
  return pause
end
