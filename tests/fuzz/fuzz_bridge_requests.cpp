// Fuzz target: bridge requests (<base>/bridge/request/<name>) through bridge::run_request into
// every registered handler — built-in (devices, health, info, device/rename, device/remove),
// storage (backup, history) and rules (rules, rule/*, scene/activate, config/reload, trace) —
// on a core without a broker (tests/fuzz/bridge_rig.hpp). Input: byte 0 picks the request name,
// the rest is the payload. Checks: every request is answered exactly once with a serialisable
// {"status": "ok"|"error", ...} object; an error carries a non-empty reason.
#include "bridge_rig.hpp"
#include "fuzz_support.hpp"

#include <spdlog/spdlog.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    static hearth::fuzz::bridge_rig* rig = [] {
        spdlog::set_level(spdlog::level::off);
        return new hearth::fuzz::bridge_rig();  // one core for the whole run, like hearthd
    }();
    static const std::vector<std::string> names = [] {
        auto n = rig->request_names();
        n.push_back("no/such/request");
        return n;
    }();
    hearth::fuzz::input_reader in(data, size);
    const std::string& name = names[in.byte() % names.size()];
    if (name == "backup") return 0;  // writes a database copy per call; covered by the unit test
    const std::string payload(in.rest());
    const nlohmann::json r = rig->request(name, payload);
    check(r.is_object(), "a request was not answered");
    const std::string status = r.value("status", "");
    check(status == "ok" || status == "error", "status is neither ok nor error");
    if (status == "error")
        check(r["error"].is_string() && !r["error"].get<std::string>().empty(), "error without reason");
    (void)r.dump();  // what the bridge publishes
    return 0;
}
