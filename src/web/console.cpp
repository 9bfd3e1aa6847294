// The web console's HTTP API, WebSocket API and live updates (see console.hpp).
#include "web/console.hpp"

#include "core/json_input.hpp"
#include "log/log.hpp"
#include "web/password_hash.hpp"
#include "web/static_files.hpp"

#include <boost/beast/http/field.hpp>

namespace hearth::web {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr const char* k_cookie = "hearth_session";

/// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
            return std::string(part.substr(name.size() + 1));
        }
        if (semi == std::string_view::npos) break;
        header.remove_prefix(semi + 1);
    }
    return "";
}

/// The value of query parameter `name` in a request target, or "".
std::string query_value(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return "";
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
            return std::string(part.substr(name.size() + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return "";
}

std::string path_of(const http_request& request) {
    std::string path(request.target());
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    return path;
}

bool is_state_changing(http::verb v) { return v != http::verb::get && v != http::verb::head; }

json error_body(const std::string& why) { return {{"error", why}}; }

/// The host part of an Origin ("http://host:port" → "host:port").
std::string origin_host(std::string_view origin) {
    const auto scheme = origin.find("://");
    return scheme == std::string_view::npos ? std::string(origin) : std::string(origin.substr(scheme + 3));
}

}  // namespace

http_response json_response(http::status status, const json& body, unsigned version) {
    http_response r{status, version};
    r.set(http::field::content_type, "application/json");
    r.set(http::field::cache_control, "no-store");
    add_security_headers(r);
    r.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    r.prepare_payload();
    return r;
}

console::console(gateway& gw, mqtt::bridge& bridge, store& db, password_worker& hasher, console_options options)
    : gw_(gw),
      bridge_(bridge),
      db_(db),
      hasher_(hasher),
      options_(std::move(options)),
      sessions_(options_.sessions),
      throttle_(options_.logins) {}

const session* console::session_of(const http_request& request) {
    const std::string token = cookie_value(std::string(request[http::field::cookie]), k_cookie);
    if (token.empty()) return nullptr;
    return sessions_.find(token, gw_.now_ms());
}

void console::handle_http(const http_request& request, const std::string& client_address,
                          std::function<void(http_response)> done) {
    const std::string path = path_of(request);
    if (path == "/api" || path.rfind("/api/", 0) == 0) {
        api(request, client_address, done);
        return;
    }
    if (path == "/ws") {
        done(json_response(http::status::bad_request, error_body("/ws needs a WebSocket upgrade"), request.version()));
        return;
    }
    done(serve_static(options_.assets_dir, request));
}

void console::api(const http_request& request, const std::string& address, const reply_fn& done) {
    const std::string path = path_of(request);
    const unsigned v = request.version();
    if (path == "/api/login") {
        if (request.method() != http::verb::post) {
            done(json_response(http::status::method_not_allowed, error_body("use POST"), v));
            return;
        }
        login(request, address, done);
        return;
    }
    const session* s = session_of(request);
    if (s == nullptr) {
        done(json_response(http::status::unauthorized, error_body("not logged in"), v));
        return;
    }
    if (is_state_changing(request.method()) && !same_token(std::string(request["X-CSRF-Token"]), s->csrf)) {
        done(json_response(http::status::forbidden, error_body("missing or wrong CSRF token"), v));
        return;
    }
    const bool get = request.method() == http::verb::get;
    if (path == "/api/session" && get) {
        done(json_response(http::status::ok, {{"user", s->user}, {"role", to_string(s->who)}, {"csrf", s->csrf}}, v));
    } else if (path == "/api/logout" && request.method() == http::verb::post) {
        const std::string user = s->user;
        sessions_.remove(s->token);
        http_response r = json_response(http::status::ok, {{"logged_out", user}}, v);
        r.set(http::field::set_cookie, std::string(k_cookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
                                           (options_.secure_cookies ? "; Secure" : ""));
        done(std::move(r));
    } else if (path == "/api/devices" && get) {
        done(json_response(http::status::ok, devices_json(*s), v));
    } else if (path == "/api/users") {
        if (s->who != role::admin) {
            done(json_response(http::status::forbidden, error_body("only an admin may manage users"), v));
        } else if (get) {
            done(json_response(http::status::ok, users_json(), v));
        } else if (request.method() == http::verb::post) {
            add_user(request, *s, done);
        } else {
            done(json_response(http::status::method_not_allowed, error_body("use GET or POST"), v));
        }
    } else {
        done(json_response(http::status::not_found, error_body("no such API path: " + echo(path)), v));
    }
}

void console::login(const http_request& request, const std::string& address, const reply_fn& done) {
    const unsigned v = request.version();
    if (request[http::field::content_type].find("application/json") != 0) {
        // A cross-site form cannot send JSON without a CORS preflight, which is never granted.
        done(json_response(http::status::unsupported_media_type, error_body("send application/json"), v));
        return;
    }
    const json_input in = parse_json_input(request.body());
    if (!in.ok || !in.value.is_object() || !in.value.contains("name") || !in.value["name"].is_string() ||
        !in.value.contains("password") || !in.value["password"].is_string()) {
        done(json_response(http::status::bad_request, error_body("send {\"name\": string, \"password\": string}"), v));
        return;
    }
    const std::string name = in.value["name"].get<std::string>();
    const std::string password = in.value["password"].get<std::string>();
    const time_ms now = gw_.now_ms();
    if (const time_ms left = throttle_.locked_for(name, address, now); left > 0) {
        const auto seconds = (left + 999) / 1000;
        http_response r =
            json_response(http::status::too_many_requests,
                          error_body("too many failed logins: try again in " + std::to_string(seconds) + " s"), v);
        r.set(http::field::retry_after, std::to_string(seconds));
        log::app().warn("web: login of '{}' from {} refused: locked out", echo(name), address);
        done(std::move(r));
        return;
    }
    std::optional<web_user_record> account;
    for (auto& u : db_.load_web_users()) {
        if (u.name == name) account = std::move(u);
    }
    const std::string hash = account ? account->password_hash : std::string();
    const bool queued = hasher_.post([this, hash, password, alive = alive_, name, address, account, v, done]() {
        // Worker thread: the hash work alone. An unknown name costs a verification too, so the
        // time of the answer does not tell which names exist.
        static const std::string dummy = hash_password("not a password of anyone");
        const bool ok = verify_password(hash.empty() ? dummy : hash, password) && !hash.empty();
        return std::function<void()>([this, ok, alive, name, address, account, v, done]() {
            if (!*alive) return;
            const time_ms now = gw_.now_ms();
            if (!ok) {
                throttle_.failed(name, address, now);
                log::app().warn("web: failed login of '{}' from {}", echo(name), address);
                done(json_response(http::status::unauthorized, error_body("wrong user name or password"), v));
                return;
            }
            throttle_.succeeded(name);
            const role who = parse_role(account->role).value_or(role::guest);
            const session& s = sessions_.create(
                name, who, std::set<std::string>(account->devices.begin(), account->devices.end()), now);
            log::app().info("web: '{}' logged in from {}", name, address);
            http_response r =
                json_response(http::status::ok, {{"user", s.user}, {"role", to_string(s.who)}, {"csrf", s.csrf}}, v);
            r.set(http::field::set_cookie, std::string(k_cookie) + "=" + s.token +
                                               "; Path=/; HttpOnly; SameSite=Strict" +
                                               (options_.secure_cookies ? "; Secure" : ""));
            done(std::move(r));
        });
    });
    if (!queued) done(json_response(http::status::service_unavailable, error_body("busy: try again"), v));
}

void console::add_user(const http_request& request, const session& s, const reply_fn& done) {
    const unsigned v = request.version();
    const json_input in = parse_json_input(request.body());
    if (!in.ok || !in.value.is_object()) {
        done(json_response(http::status::bad_request, error_body("send a JSON object"), v));
        return;
    }
    bridge_.run_request("user/add", in.value.dump(), [v, done, actor = s.user](const json& r) {
        const bool ok = r.value("status", "") == "ok";
        if (ok) log::app().info("web: '{}' added a user", actor);
        done(json_response(ok ? http::status::ok : http::status::bad_request,
                           ok ? r["data"] : error_body(r.value("error", "refused")), v));
    });
}

json console::users_json() {
    json out = json::array();
    for (const auto& u : db_.load_web_users()) {
        out.push_back({{"name", u.name}, {"role", u.role}, {"devices", u.devices}, {"created_at", u.created_at}});
    }
    return out;
}

json console::device_json(const device_entry& device) const {
    json d = device.descriptor.raw;
    d["id"] = device.descriptor.id;
    d["name"] = device.descriptor.name;
    d["online"] = device.online;
    d["state"] = device.state;
    d["last_seen"] = device.last_seen_ms;
    return d;
}

json console::devices_json(const session& s) const {
    json out = json::array();
    for (const auto& [id, d] : gw_.registry().all()) {
        if (s.may_see(id)) out.push_back(device_json(d));
    }
    return out;
}

std::optional<http_response> console::accept_websocket(const http_request& request,
                                                       const std::shared_ptr<ws_peer>& peer) {
    const unsigned v = request.version();
    if (path_of(request) != "/ws") return json_response(http::status::not_found, error_body("no WebSocket here"), v);
    const session* s = session_of(request);
    if (s == nullptr) return json_response(http::status::unauthorized, error_body("not logged in"), v);
    // Cross-site WebSocket hijacking: the browser always sends Origin; it must be this host.
    const std::string origin(request[http::field::origin]);
    if (origin.empty() || origin_host(origin) != std::string(request[http::field::host])) {
        return json_response(http::status::forbidden, error_body("WebSocket from another origin"), v);
    }
    if (!same_token(query_value(std::string(request.target()), "csrf"), s->csrf)) {
        return json_response(http::status::forbidden, error_body("missing or wrong CSRF token"), v);
    }
    clients_[peer] = client{s->token, false};
    return std::nullopt;
}

void console::on_ws_closed(const std::shared_ptr<ws_peer>& peer) { clients_.erase(peer); }

void console::on_ws_message(const std::shared_ptr<ws_peer>& peer, const std::string& text) {
    auto it = clients_.find(peer);
    if (it == clients_.end()) return;
    const session* s = sessions_.find(it->second.token, gw_.now_ms());
    if (s == nullptr) {
        peer->send(json{{"type", "error"}, {"error", "session expired: log in again"}}.dump());
        peer->close();
        return;
    }
    const json_input in = parse_json_input(text);
    if (!in.ok || !in.value.is_object() || !in.value.contains("type") || !in.value["type"].is_string()) {
        peer->send(json{{"type", "error"}, {"error", "send a JSON object with a string 'type'"}}.dump());
        return;
    }
    const json& m = in.value;
    const json id = m.contains("id") && (m["id"].is_number_integer() || m["id"].is_string()) ? m["id"] : json();
    const std::string type = m["type"].get<std::string>();
    if (type == "subscribe") {
        it->second.subscribed = true;
        peer->send(json{{"id", id},
                        {"type", "snapshot"},
                        {"user", s->user},
                        {"role", to_string(s->who)},
                        {"devices", devices_json(*s)}}
                       .dump(-1, ' ', false, json::error_handler_t::replace));
    } else if (type == "set") {
        ws_set(peer, *s, m);
    } else if (type == "history") {
        ws_history(peer, *s, m);
    } else {
        peer->send(json{{"id", id},
                        {"type", "error"},
                        {"error", "unknown message type '" + echo(type) + "' (known: subscribe, set, history)"}}
                       .dump());
    }
}

void console::ws_set(const std::shared_ptr<ws_peer>& peer, const session& s, const json& m) {
    const json id = m.value("id", json());
    auto answer = [peer, id](json r) {
        r["id"] = id;
        r["type"] = "response";
        peer->send(r.dump(-1, ' ', false, json::error_handler_t::replace));
    };
    if (!m.contains("device") || !m["device"].is_string()) {
        answer({{"status", "error"}, {"error", "'device' (string) is required"}});
        return;
    }
    const std::string device = m["device"].get<std::string>();
    if (!s.may_see(device)) {
        answer({{"status", "error"}, {"error", "unknown device '" + echo(device) + "'"}});
        return;
    }
    if (!s.may_control()) {
        log::app().warn("web: guest '{}' tried to control '{}'", s.user, device);
        answer({{"status", "error"}, {"error", "a guest account cannot control devices"}});
        return;
    }
    if (!m.contains("payload") || !m["payload"].is_object()) {
        answer({{"status", "error"}, {"error", "'payload' (object, as on <base>/<id>/set) is required"}});
        return;
    }
    bridge_.run_set(device, "", m["payload"].dump(), command_source{"web", s.user},
                    [answer, alive = std::weak_ptr<bool>(alive_)](json r) {
                        if (!alive.expired()) answer(std::move(r));
                    });
}

void console::ws_history(const std::shared_ptr<ws_peer>& peer, const session& s, const json& m) {
    const json id = m.value("id", json());
    const json args = m.value("args", json::object());
    if (!args.is_object() || !args.contains("device") || !args["device"].is_string() ||
        !s.may_see(args["device"].get<std::string>())) {
        peer->send(
            json{{"id", id}, {"type", "history"}, {"status", "error"}, {"error", "'device' must be one you may see"}}
                .dump());
        return;
    }
    bridge_.run_request("history", args.dump(), [peer, id, alive = std::weak_ptr<bool>(alive_)](json r) {
        if (alive.expired()) return;
        r["id"] = id;
        r["type"] = "history";
        peer->send(r.dump(-1, ' ', false, json::error_handler_t::replace));
    });
}

void console::end_sessions_of(const std::string& user) {
    std::vector<std::shared_ptr<ws_peer>> closing;
    for (const auto& [peer, c] : clients_) {
        const session* s = sessions_.find(c.token, gw_.now_ms());
        if (s == nullptr || s->user == user) closing.push_back(peer);
    }
    sessions_.remove_user(user);
    for (const auto& peer : closing) peer->close();
}

void console::broadcast(const std::string& device_id, const json& message) {
    std::string text;
    for (auto& [peer, c] : clients_) {
        if (!c.subscribed) continue;
        const session* s = sessions_.find(c.token, gw_.now_ms());
        if (s == nullptr || (!device_id.empty() && !s->may_see(device_id))) continue;
        if (text.empty()) text = message.dump(-1, ' ', false, json::error_handler_t::replace);
        peer->send(text);
    }
}

void console::on_device_added(const device_entry& device) {
    broadcast(device.descriptor.id, {{"type", "device"}, {"device", device_json(device)}});
}
void console::on_device_updated(const device_entry& device) { on_device_added(device); }
void console::on_device_renamed(const device_entry& device) { on_device_added(device); }
void console::on_device_removed(const std::string& device_id) {
    broadcast(device_id, {{"type", "device_removed"}, {"device", device_id}});
}
void console::on_state_changed(const device_entry& device, const json& changed) {
    broadcast(device.descriptor.id, {{"type", "state"},
                                     {"device", device.descriptor.id},
                                     {"changed", changed},
                                     {"state", device.state},
                                     {"ts", gw_.now_ms()}});
}
void console::on_availability_changed(const device_entry& device) {
    broadcast(device.descriptor.id,
              {{"type", "availability"}, {"device", device.descriptor.id}, {"online", device.online}});
}

}  // namespace hearth::web
