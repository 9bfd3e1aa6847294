// Role: implementation of the simulator process helpers (see sim_process.hpp).
#include "sim_process.hpp"

#include "http_client.hpp"

#include <stdexcept>

#ifndef NUKI_SIM_PATH
#error "NUKI_SIM_PATH must be defined to the path of the built nuki_bridge_sim"
#endif

namespace nuki_test {

namespace {

std::vector<std::string> sim_args(const std::string& token, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--token", token};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace

sim_process::sim_process(int port, std::string token, std::vector<std::string> extra)
    : sim_(NUKI_SIM_PATH, static_cast<std::uint16_t>(port), sim_args(token, extra)) {
    spawn();
}

sim_process::~sim_process() {
    stop();
    if (!keep_log_) sim_.remove_log();
}

void sim_process::spawn() {
    if (!sim_.start(std::chrono::seconds(5)))
        throw std::runtime_error("nuki_bridge_sim did not start listening on port " + std::to_string(port()));
}

void sim_process::stop() { sim_.stop(std::chrono::seconds(3)); }

void sim_process::restart() {
    stop();
    spawn();
}

nlohmann::json sim_process::control(const std::string& target) const {
    hearth::nuki::http_request_spec spec;
    spec.host = "127.0.0.1";
    spec.port = port();
    spec.target = target;
    spec.path_for_errors = target;
    spec.timeout = std::chrono::milliseconds(2000);
    const auto r = hearth::nuki::http_request(spec);
    if (!r.transport_ok) return nullptr;
    return nlohmann::json::parse(r.body, nullptr, false);
}

}  // namespace nuki_test
