// The web console's wiring in hearthd (see web_service.hpp).
#include "app/web_service.hpp"

#include "log/log.hpp"
#include "web/user_requests.hpp"

namespace hearth {

web_service::web_service(boost::asio::io_context& loop, const config& cfg, gateway& gw, mqtt::bridge& bridge, store& db)
    : loop_(loop), cfg_(cfg), gw_(gw), bridge_(bridge), db_(db), hasher_(loop) {}

web_service::~web_service() { stop(); }

void web_service::start() {
    web::install_user_requests(
        bridge_, db_, hasher_, [this] { return gw_.now_ms(); },
        [this](const std::string& name) {
            if (console_) console_->end_sessions_of(name);
        });
    if (!cfg_.web.enabled) return;
    if (cfg_.web.tls) {
        log::app().error("web: TLS for the console is not built yet; the console stays off (docs/web-console.md)");
        return;
    }
    web::console_options options;
    options.assets_dir = cfg_.web.assets_dir;
    options.secure_cookies = cfg_.web.tls.has_value();
    console_ = std::make_unique<web::console>(gw_, bridge_, db_, hasher_, options);
    server_ = std::make_unique<web::http_server>(loop_, *console_, web::http_server::limits{});
    auto listening = server_->listen(cfg_.web.listen, cfg_.web.port);
    if (!listening) {
        log::app().error("{}", listening.error());
        server_.reset();
        console_.reset();
        return;
    }
    gw_.add_observer(console_.get());
    const bool v6 = cfg_.web.listen.find(':') != std::string::npos;
    log::app().info("web console on http://{}{}{}:{}/", v6 ? "[" : "", cfg_.web.listen, v6 ? "]" : "", server_->port());
    if (db_.load_web_users().empty()) {
        log::app().warn("web: no accounts yet: make the first admin with `hearthctl user add NAME --admin`");
    }
}

void web_service::stop() {
    if (server_) server_->stop();
    if (console_) gw_.remove_observer(console_.get());
    server_.reset();
    console_.reset();
}

}  // namespace hearth
