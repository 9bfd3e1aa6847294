// Role: implementation of the miIO drivers' shared config reading and base class.
#include "miio_driver.hpp"

namespace hearth::miio {

using std::chrono::milliseconds;

common_config parse_common_config(const json& cfg, const std::string& default_name) {
    const auto token = parse_token(cfg.at("token").get<std::string>());
    if (!token) throw std::invalid_argument("config: 'token' must be 32 hex digits");
    common_config c;
    c.client = {cfg.at("host"), cfg.value<std::uint16_t>("port", k_default_port), *token,
                milliseconds(cfg.value("timeout_ms", 1500)), cfg.value("retries", 2)};
    c.id = cfg.at("id");
    c.name = cfg.value("name", default_name);
    c.poll_interval = milliseconds(cfg.value("poll_interval_ms", 5000));
    c.offline_after_failures = cfg.value("offline_after_failures", 3);
    return c;
}

miio_driver::miio_driver(kit::context& ctx, common_config cfg, std::string kind)
    : driver(ctx),
      cfg_(std::move(cfg)),
      kind_(std::move(kind)),
      client_(io(), cfg_.client),
      online_(
          [this](bool online) {
              host().report_availability(cfg_.id, online);
              if (online) host().info(kind_ + " " + cfg_.id + " is online");
          },
          cfg_.offline_after_failures),
      // A silent device is polled less often, at most every 4 poll intervals.
      poller_(io(), kit::poll_options{.interval = cfg_.poll_interval, .max_backoff = 4 * cfg_.poll_interval},
              [this](const kit::poller::done_fn& done) { poll(done); }),
      pending_(io(), [this](std::uint64_t id, status code, const std::string& message) { answer(id, code, message); }) {
}

void miio_driver::begin(const json& descriptor, const std::string& what) {
    if (!host().register_device(descriptor)) throw std::runtime_error("the host refused the descriptor of " + what);
    host().report_ready();
    host().info(kind_ + " " + cfg_.id + " (" + what + ") at " + cfg_.client.host + ":" +
                std::to_string(cfg_.client.port) + ", polling every " + std::to_string(cfg_.poll_interval.count()) +
                " ms");
    poller_.start();
}

void miio_driver::refresh(const std::string& device_id) {
    if (device_id == cfg_.id) poller_.poll_now();
}

void miio_driver::stop() {
    poller_.stop();
    client_.close();  // no callback of a call runs after this
    while (!running_.empty()) answer(*running_.begin(), status::offline, "driver stopped");
    pending_.fail_all(status::offline, "driver stopped");
    host().info(kind_ + " " + cfg_.id + " stopped: " + client_.stats().summary());
}

status miio_driver::run(std::uint64_t command_id, call_list calls, json target) {
    running_.insert(command_id);
    next(command_id, std::make_shared<const call_list>(std::move(calls)), 0, std::move(target));
    return status::pending;
}

void miio_driver::next(std::uint64_t command_id, const std::shared_ptr<const call_list>& calls, std::size_t i,
                       json target) {
    if (i == calls->size()) {
        if (target.empty()) {
            answer(command_id, status::ok, {});
        } else {
            running_.erase(command_id);
            pending_.expect(command_id, cfg_.id, std::move(target));
        }
        return poller_.poll_now();  // the device's new state
    }
    const std::string& method = (*calls)[i].first;
    client_.call(method, (*calls)[i].second, [=, this](kit::result<json> r) {
        const std::string refused = r ? refuse(method, *r) : r.error().message;
        if (refused.empty()) return next(command_id, calls, i + 1, target);
        host().warn(refused);
        answer(command_id, r ? status::device_error : r.error().code, refused);
    });
}

void miio_driver::answer(std::uint64_t command_id, status code, const std::string& message) {
    running_.erase(command_id);
    host().command_result(command_id, code, message);
}

void miio_driver::report(const json& state) {
    host().report_state(cfg_.id, state);
    pending_.on_state(cfg_.id, state);
}

void miio_driver::polled() { online_.success(); }

bool miio_driver::failed(const kit::net_error& e) {
    online_.failure();
    const int n = online_.consecutive_failures();
    if (n != 1 && n != cfg_.offline_after_failures) return false;  // logged when it starts and on going offline
    const std::string line = kind_ + " " + cfg_.id + ": poll failed: " + e.message;
    if (is_token_rejection(e)) {
        host().error(line);
    } else {
        host().warn(line);
    }
    return false;
}

}  // namespace hearth::miio
