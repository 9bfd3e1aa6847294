// Role: implementation of the callback registration (see bridge_callbacks.hpp).
#include "bridge_callbacks.hpp"

#include "nuki_model.hpp"

#include <nlohmann/json.hpp>

namespace hearth::nuki {

namespace {

using json = nlohmann::json;

std::string describe(const http_result& r) { return r.transport_ok ? "HTTP " + std::to_string(r.status) : r.error; }

/// The `callbacks` array of /callback/list, or null on any failure.
json list_callbacks(bridge_client& client, std::chrono::milliseconds budget, std::string& problem) {
    const http_result r = client.get("/callback/list", {}, budget);
    const json body = r.ok() ? json::parse(r.body, nullptr, false) : json();
    if (body.is_object() && body.contains("callbacks") && body["callbacks"].is_array()) return body["callbacks"];
    problem =
        "could not list the bridge's callbacks (" + (r.ok() ? std::string("unexpected answer") : describe(r)) + ")";
    return nullptr;
}

}  // namespace

callback_outcome ensure_callback(bridge_client& client, const std::string& url, const std::string& stale_prefix) {
    callback_outcome out;
    const json callbacks = list_callbacks(client, std::chrono::milliseconds(0), out.problem);
    if (callbacks.is_null()) return out;
    for (const auto& cb : callbacks) {
        if (!cb.is_object()) continue;
        const std::string listed = string_field(cb, "url");
        if (listed == url)
            out.registered = true;
        else if (listed.rfind(stale_prefix, 0) == 0 && cb.contains("id"))
            client.get("/callback/remove", {{"id", cb["id"].dump()}});
    }
    if (out.registered) return out;
    const http_result added = client.get("/callback/add", {{"url", url}});
    const json a = added.ok() ? json::parse(added.body, nullptr, false) : json();
    out.registered = bool_field(a, "success", false);
    if (!out.registered) {
        const std::string message = string_field(a, "message");
        out.problem = "the bridge did not accept the callback (" +
                      (a.is_object() ? (message.empty() ? "success=false" : message) : describe(added)) + ")";
    }
    return out;
}

void remove_callback(bridge_client& client, const std::string& url, std::chrono::milliseconds budget) {
    std::string ignored;
    const json callbacks = list_callbacks(client, budget, ignored);
    if (callbacks.is_null()) return;
    for (const auto& cb : callbacks)
        if (string_field(cb, "url") == url && cb.contains("id"))
            client.get("/callback/remove", {{"id", cb["id"].dump()}}, budget);
}

}  // namespace hearth::nuki
