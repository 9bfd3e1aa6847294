// The web console in hearthd (docs/web-console.md): the account bridge requests (always, so the
// first admin can be made with hearthctl before the console is enabled) and, with web.enabled,
// the console itself on the loop: HTTP + WebSocket server, sessions, live updates.
//
// Thread: the loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/config.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "store/store.hpp"
#include "web/console.hpp"
#include "web/http_server.hpp"
#include "web/password_worker.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace hearth {

class web_service {
public:
    web_service(boost::asio::io_context& loop, const config& cfg, gateway& gw, mqtt::bridge& bridge, store& db);
    ~web_service();
    web_service(const web_service&) = delete;
    web_service& operator=(const web_service&) = delete;

    /// Installs the account requests; with web.enabled, listens (a failure is logged, hearthd
    /// runs on without the console).
    void start();
    /// Closes the listener and detaches from the gateway.
    void stop();

private:
    boost::asio::io_context& loop_;
    const config& cfg_;
    gateway& gw_;
    mqtt::bridge& bridge_;
    store& db_;
    web::password_worker hasher_;
    std::unique_ptr<web::console> console_;
    std::unique_ptr<web::http_server> server_;
};

}  // namespace hearth
