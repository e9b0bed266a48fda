// Preloaded into `next start` (NODE_OPTIONS=--import, see scripts/server.ts): stamps every HTTP
// request with the TCP peer's address in `x-palate-peer-address`, replacing whatever the client
// sent under that name, so route handlers (which never see the socket) can know who connected.
// lib/auth/client-address.ts reads it. Plain JavaScript: it runs before Next loads anything.
import http from "node:http";
import https from "node:https";

const HEADER = "x-palate-peer-address";

for (const Server of [http.Server, https.Server]) {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, ...args) {
    if (event === "request" && args[0] && args[0].headers) {
      const req = args[0];
      req.headers[HEADER] = (req.socket && req.socket.remoteAddress) || "";
    }
    return emit.call(this, event, ...args);
  };
}
