-- wrk script for bench/replicas: spreads wrk's threads round-robin over the
-- replicas' ports (PORTS, comma separated; each thread keeps its connections
-- on one replica, as an L4 load balancer would) and, with COUNT=1, counts
-- the answers by status and prints "status 200=.. 429=.. other=..".
local ports = {}
for p in string.gmatch(os.getenv("PORTS") or "", "%d+") do ports[#ports + 1] = p end
local threads = {}

function setup(thread)
  local port = ports[#threads % #ports + 1]
  thread.addr = wrk.lookup("127.0.0.1", port)[1]
  table.insert(threads, thread)
end

if os.getenv("COUNT") == "1" then
  function init(args)
    ok, limited, other = 0, 0, 0
  end

  function response(status, headers, body)
    if status == 200 then
      ok = ok + 1
    elseif status == 429 then
      limited = limited + 1
    else
      other = other + 1
    end
  end

  function done(summary, latency, requests)
    local a, b, c = 0, 0, 0
    for _, t in ipairs(threads) do
      a = a + t:get("ok"); b = b + t:get("limited"); c = c + t:get("other")
    end
    io.write(string.format("status 200=%d 429=%d other=%d\n", a, b, c))
  end
end
