// Fuzz target: what the shelly driver reads from a device (plugins/shelly/shelly_model.hpp,
// shelly_ws_auth.hpp). Input: byte 0 picks the mode, the rest is the frame text (parsed as the
// driver parses it: nlohmann::json::parse without exceptions):
//   mode 0: answers to Shelly.GetStatus and Shelly.GetConfig, separated by a NUL byte -> JSON-RPC
//           result -> parse_components -> descriptor_of + component_state of each component;
//   mode 1: a WebSocket frame -> parse_notification (status deltas, presses), or a 401 error
//           frame -> ws_challenge -> ws_auth;
//   mode 2: an answer to Shelly.GetDeviceInfo -> parse_device_info.
// Checks: each descriptor passes the core's parse_descriptor, every state fits it as the core
// will check, every press is a declared event of a button, and nothing throws.
#include "core/device_model.hpp"
#include "fuzz_support.hpp"
#include "shelly_model.hpp"
#include "shelly_ws_auth.hpp"

#include <set>
#include <string>

namespace {

using hearth::fuzz::check;
using nlohmann::json;
namespace shelly = hearth::shelly;

void check_state(const shelly::component& c, const hearth::device_descriptor& d, const json& status) {
    auto state = shelly::component_state(c, status);
    check(state.value.has_value() == status.is_object(), "component_state refuses exactly non-objects");
    if (!state) return;
    check(state.value->is_object(), "a state is an object");
    for (const auto& [prop, value] : state.value->items()) {
        check(d.properties.contains(prop), "a reported property is declared");
        check(!hearth::check_value(d.properties.at(prop), value, false).has_value(), "a reported value fits");
    }
}

void status_and_config(std::string_view status_text, std::string_view config_text) {
    const json status_frame = json::parse(status_text, nullptr, false);
    const json config_frame = json::parse(config_text, nullptr, false);
    auto status = shelly::rpc_result(status_frame, "Shelly.GetStatus");
    auto config = shelly::rpc_result(config_frame, "Shelly.GetConfig");
    check(status.value.has_value() != !status.error.empty(), "a value or an error");
    if (!status || !config) return;
    auto comps = shelly::parse_components(*status.value, *config.value);
    if (!comps) {
        check(!comps.error.empty(), "a refusal says why");
        return;
    }
    check(comps.value->size() <= 32, "at most 32 components");
    shelly::device_info info;
    info.id = "shellysim-1";
    info.app = "Fuzz";
    for (const auto& c : *comps.value) {
        const std::string hid = shelly::device_id_of("dev", c);
        check(hearth::is_valid_id(hid), "the device id is a valid id");
        auto d = hearth::parse_descriptor(shelly::descriptor_of(c, hid, "Device", info));
        check(d.has_value(), "the descriptor is accepted by the core");
        check_state(c, *d, (*status.value)[c.key]);
    }
}

void websocket_frame(std::string_view text) {
    const json frame = json::parse(text, nullptr, false);
    if (frame.is_object() && frame.contains("error")) {
        if (auto challenge = shelly::ws_challenge(frame["error"])) {
            if (auto auth = shelly::ws_auth(*challenge, "pw", "cnonce")) {
                check(
                    shelly::ws_auth_valid(*auth, (*auth)["realm"].get<std::string>(), (*auth)["nonce"].get<long long>(),
                                          "pw") == ((*challenge).value("nc", json(1)) == json(1)),
                    "an auth answer verifies for nc 1");
            }
        }
        return;
    }
    auto n = shelly::parse_notification(frame);
    if (!n) return;
    shelly::device_info info;
    for (const auto& [key, status] : n.value->status.items()) {
        for (bool flag : {false, true}) {
            shelly::component c;
            const auto colon = key.find(':');
            const std::string type = key.substr(0, colon);
            c.type = type == "switch"  ? shelly::kind::switch_
                     : type == "light" ? shelly::kind::light
                     : type == "cover" ? shelly::kind::cover
                                       : shelly::kind::input;
            c.key = key;
            c.metering = flag;
            c.button = flag;
            c.pos_control = flag;
            auto d = hearth::parse_descriptor(shelly::descriptor_of(c, "dev_x_0", "Device", info));
            check(d.has_value(), "the descriptor is accepted by the core");
            check_state(c, *d, status);
        }
    }
    static const std::set<std::string> presses = {"single_push", "double_push", "triple_push", "long_push"};
    check(n.value->presses.size() <= 64, "at most 64 presses per frame");
    for (const auto& p : n.value->presses) check(presses.contains(p.event), "a press is a button event");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t mode = in.byte() % 3;
    if (mode == 0) {
        const std::string_view status = in.until_nul();
        status_and_config(status, in.rest());
    } else if (mode == 1) {
        websocket_frame(in.rest());
    } else {
        auto info = shelly::parse_device_info(json::parse(in.rest(), nullptr, false));
        check(info.value.has_value() != !info.error.empty(), "a value or an error");
    }
    return 0;
}
