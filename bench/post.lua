-- wrk script: POST the ~1 KB order in order.json (valid for openapi-validate.yaml
-- and openapi-full.yaml), for running wrk by hand; bench/judge writes its own.
--   wrk -s bench/post.lua http://127.0.0.1:9103/prod/orders
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local f = assert(io.open(dir .. "order.json", "rb"))
wrk.body = f:read("*a")
f:close()
