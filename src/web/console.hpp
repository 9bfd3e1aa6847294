// The web console's application (docs/web-console.md): the HTTP API (login, logout, session,
// users, devices), the static front end, and the WebSocket JSON API that mirrors the MQTT
// contract — `subscribe` (snapshot, then live state and availability), `set` (through
// bridge::run_set: the same parsing, validation, lock gate and audit as `<base>/<id>/set`, with
// the user name as actor and source "web") and `history` (the bridge request itself).
//
// Security: sessions by an HttpOnly, SameSite=Strict cookie (+ Secure under TLS); a CSRF token
// in X-CSRF-Token on every state-changing request and in the WebSocket URL; the WebSocket's
// Origin must be the page's own; no session → 401 on every /api path and /ws; guests see only
// their devices and send no commands; logins are throttled per user name and per address.
//
// Thread: the loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "store/store.hpp"
#include "web/accounts.hpp"
#include "web/http_server.hpp"
#include "web/password_worker.hpp"

#include <map>
#include <memory>
#include <string>

namespace hearth::web {

struct console_options {
    std::string assets_dir;       ///< the front end's files
    bool secure_cookies = false;  ///< TLS: cookies carry Secure
    session_table::limits sessions;
    login_throttle::limits logins;
};

class console final : public web_handler, public gateway_observer {
public:
    /// `db` holds the accounts; `hasher` verifies passwords off the loop. None is owned; all
    /// must outlive the console.
    console(gateway& gw, mqtt::bridge& bridge, store& db, password_worker& hasher, console_options options);

    // web_handler
    void handle_http(const http_request& request, const std::string& client_address,
                     std::function<void(http_response)> done) override;
    std::optional<http_response> accept_websocket(const http_request& request,
                                                  const std::shared_ptr<ws_peer>& peer) override;
    void on_ws_message(const std::shared_ptr<ws_peer>& peer, const std::string& text) override;
    void on_ws_closed(const std::shared_ptr<ws_peer>& peer) override;

    /// Ends every session and WebSocket of `user` (the account was removed).
    void end_sessions_of(const std::string& user);

    /// Open WebSockets.
    [[nodiscard]] std::size_t clients() const { return clients_.size(); }

    // gateway_observer: live updates to subscribed WebSockets
    void on_device_added(const device_entry& device) override;
    void on_device_updated(const device_entry& device) override;
    void on_device_removed(const std::string& device_id) override;
    void on_device_renamed(const device_entry& device) override;
    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_availability_changed(const device_entry& device) override;

private:
    struct client {
        std::string token;
        bool subscribed = false;
    };
    using reply_fn = std::function<void(http_response)>;

    void api(const http_request& request, const std::string& address, const reply_fn& done);
    void login(const http_request& request, const std::string& address, const reply_fn& done);
    void add_user(const http_request& request, const session& s, const reply_fn& done);
    [[nodiscard]] nlohmann::json users_json();
    [[nodiscard]] nlohmann::json device_json(const device_entry& device) const;
    [[nodiscard]] nlohmann::json devices_json(const session& s) const;
    const session* session_of(const http_request& request);
    void ws_set(const std::shared_ptr<ws_peer>& peer, const session& s, const nlohmann::json& message);
    void ws_history(const std::shared_ptr<ws_peer>& peer, const session& s, const nlohmann::json& message);
    void broadcast(const std::string& device_id, const nlohmann::json& message);

    gateway& gw_;
    mqtt::bridge& bridge_;
    store& db_;
    password_worker& hasher_;
    console_options options_;
    session_table sessions_;
    login_throttle throttle_;
    std::map<std::shared_ptr<ws_peer>, client> clients_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// A JSON response with security headers and Cache-Control: no-store.
http_response json_response(boost::beast::http::status status, const nlohmann::json& body, unsigned version = 11);

}  // namespace hearth::web
