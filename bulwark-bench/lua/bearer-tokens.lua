-- wrk script: GET requests that each carry a bearer token, taken round-robin from the file named by the
-- BENCH_TOKENS environment variable (one "token [merchant]" per line; a merchant id goes in X-Merchant-Id).
-- The requests are formatted once in init, so wrk's own cost per request is a table lookup, the same against
-- nginx and against Bulwark. With BENCH_DELAY_MS set, each connection waits that many milliseconds after a
-- response before it sends the next request (as paced.lua), so the offered load stays below capacity.
local requests = {}
local count = 0
local last = 0

function init(args)
  local file = os.getenv("BENCH_TOKENS")
  if file == nil or file == "" then
    error("BENCH_TOKENS is not set")
  end
  for line in io.lines(file) do
    local token, merchant = line:match("^(%S+)%s*(%S*)$")
    if token ~= nil then
      local headers = { ["Authorization"] = "Bearer " .. token }
      if merchant ~= "" then
        headers["X-Merchant-Id"] = merchant
      end
      count = count + 1
      requests[count] = wrk.format("GET", nil, headers)
    end
  end
  if count == 0 then
    error("no tokens in " .. file)
  end
end

function request()
  last = last % count + 1
  return requests[last]
end

local pause = os.getenv("BENCH_DELAY_MS")
if pause ~= nil and pause ~= "" then
  pause = tonumber(pause)
  if pause == nil or pause < 0 then
    error("BENCH_DELAY_MS must be a number of milliseconds")
  end
  -- defined only when pacing: wrk schedules a timer per request whenever a script has a delay function
  function delay()
    return pause
  end
end
