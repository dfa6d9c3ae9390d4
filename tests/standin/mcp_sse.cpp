// The MCP extension stand-in (role mcp-sse): a server reached over MCP's SSE transport, as the
// tool servers of extensions are. GET /sse opens the event stream and names the message endpoint
// (as MCP's SSE transport does), POST /messages accepts a JSON-RPC message, GET /health answers.
#include "standin.hpp"

#include <atomic>

namespace standin {
namespace {

std::atomic<long long> g_sessions{0};

void mcp_sse_route(const Request& req, Responder& res) {
    const auto& p = req.path;
    if (p == "/health") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (options().fail_health) return send_error(res, 500, "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        return res.send_json(200, {{"status", "ok"}, {"sessions", g_sessions.load()}});
    }
    if (p == "/sse") {
        if (!allow_methods(req, res, {"GET"})) return;
        const long long id = ++g_sessions;
        log_line("sse session " + std::to_string(id) + " opened");
        if (!res.begin_stream(200, "text/event-stream")) return;
        // The endpoint event, then the stream ends: enough for a client to see the transport.
        res.write_chunk("event: endpoint\ndata: /messages?session_id=" + std::to_string(id) + "\n\n");
        res.end_stream();
        return;
    }
    if (p == "/messages") {
        if (!allow_methods(req, res, {"POST"})) return;
        return res.send(202, "text/plain", "Accepted");
    }
    send_error(res, 404, "Not Found");
}

}  // namespace

Handler make_mcp_sse_handler() { return mcp_sse_route; }

}  // namespace standin
