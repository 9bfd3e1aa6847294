// pending_commands (see include/hearth/kit/pending_commands.hpp).
#include <hearth/kit/pending_commands.hpp>

#include <vector>

namespace hearth::kit {

pending_commands::pending_commands(boost::asio::io_context& io, complete_fn complete)
    : io_(io), complete_(std::move(complete)) {}

pending_commands::pending_commands(boost::asio::io_context& io, hearth::host& host)
    : pending_commands(io, [&host](std::uint64_t id, status code, const std::string& message) {
          host.command_result(id, code, message);
      }) {}

void pending_commands::expect(std::uint64_t command_id, const std::string& device_id, json target,
                              std::chrono::milliseconds timeout) {
    if (!target.is_object()) target = json::object();
    if (reached(device_id, target)) {
        complete_(command_id, status::ok, {});
        return;
    }
    auto timer = std::make_unique<boost::asio::steady_timer>(io_, timeout);
    timer->async_wait([this, command_id](const boost::system::error_code& ec) {
        if (ec) return;  // completed or failed earlier: the timer was cancelled
        auto it = pending_.find(command_id);
        if (it == pending_.end()) return;
        finish(command_id, status::timeout,
               it->second.device_id + " did not reach " + it->second.target.dump() + " within " +
                   std::to_string(it->second.timeout.count()) + " ms");
    });
    pending_[command_id] = entry{device_id, std::move(target), timeout, std::move(timer)};
}

void pending_commands::on_state(const std::string& device_id, const json& state) {
    if (!state.is_object()) return;
    json& known = known_[device_id];
    if (!known.is_object()) known = json::object();
    for (const auto& [key, value] : state.items()) known[key] = value;
    std::vector<std::uint64_t> done;
    for (const auto& [id, e] : pending_) {
        if (e.device_id == device_id && reached(device_id, e.target)) done.push_back(id);
    }
    for (const auto id : done) finish(id, status::ok, {});
}

void pending_commands::fail_device(const std::string& device_id, status code, const std::string& message) {
    std::vector<std::uint64_t> failed;
    for (const auto& [id, e] : pending_) {
        if (e.device_id == device_id) failed.push_back(id);
    }
    for (const auto id : failed) finish(id, code, message);
}

void pending_commands::fail_all(status code, const std::string& message) {
    while (!pending_.empty()) finish(pending_.begin()->first, code, message);
}

bool pending_commands::reached(const std::string& device_id, const json& target) const {
    const auto it = known_.find(device_id);
    if (it == known_.end()) return target.empty();
    for (const auto& [key, value] : target.items()) {
        const auto have = it->second.find(key);
        if (have == it->second.end() || *have != value) return false;
    }
    return true;
}

void pending_commands::finish(std::uint64_t id, status code, const std::string& message) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    it->second.timer->cancel();
    pending_.erase(it);  // before the callback: it may expect() again
    complete_(id, code, message);
}

}  // namespace hearth::kit
