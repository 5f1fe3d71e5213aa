-- wrk script: POST /auth/login for the users in the file named by BENCH_USERS ("email password" per line),
-- round-robin. Each request is one Argon2id verification on the gateway.
local requests = {}
local count = 0
local last = 0

function init(args)
  local file = os.getenv("BENCH_USERS")
  if file == nil or file == "" then
    error("BENCH_USERS is not set")
  end
  for line in io.lines(file) do
    local email, password = line:match("^(%S+)%s+(%S+)$")
    if email ~= nil then
      count = count + 1
      local body = string.format('{"email":"%s","password":"%s"}', email, password)
      requests[count] = wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" }, body)
    end
  end
  if count == 0 then
    error("no users in " .. file)
  end
end

function request()
  last = last % count + 1
  return requests[last]
end
