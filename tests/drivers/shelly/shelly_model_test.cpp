// Unit tests of the shelly driver's pure pieces: GetDeviceInfo/GetStatus/GetConfig answers into
// components, component states (checked against the descriptors the driver registers, with the
// core's own validator), notification frames, JSON-RPC errors, the WebSocket digest auth and the
// config schema. Every frame here is what an untrusted device could send.
#include "core/device_model.hpp"
#include "core/driver_schema.hpp"
#include "shelly_model.hpp"
#include "shelly_schema.hpp"
#include "shelly_ws_auth.hpp"

#include <hearth/kit/devices.hpp>

#include <gtest/gtest.h>

namespace hearth::shelly {
namespace {

const json k_status = json::parse(R"({
  "sys": {"mac": "A8032AB12345"},
  "switch:0": {"id": 0, "output": true, "apower": 61.5, "voltage": 230.1,
               "aenergy": {"total": 1234.5, "by_minute": [0, 0, 0]}},
  "switch:1": {"id": 1, "output": false},
  "light:0": {"id": 0, "output": true, "brightness": 42},
  "cover:0": {"id": 0, "state": "opening", "current_pos": 37, "apower": 80, "pos_control": true},
  "input:0": {"id": 0, "state": null},
  "input:1": {"id": 1, "state": true},
  "bthomesensor:200": {"id": 200}
})");

const json k_config = json::parse(R"({
  "switch:0": {"id": 0, "name": "Kettle"},
  "input:0": {"id": 0, "type": "button", "name": null},
  "input:1": {"id": 1, "type": "switch"}
})");

const component& find(const std::vector<component>& cs, const std::string& key) {
    for (const auto& c : cs) {
        if (c.key == key) return c;
    }
    throw std::runtime_error("no " + key);
}

TEST(shelly_model, components_come_from_status_and_config) {
    auto cs = parse_components(k_status, k_config);
    ASSERT_TRUE(cs) << cs.error;
    EXPECT_EQ(cs.value->size(), 6u);  // sys and bthomesensor are not driven
    EXPECT_TRUE(find(*cs.value, "switch:0").metering);
    EXPECT_EQ(find(*cs.value, "switch:0").name, "Kettle");
    EXPECT_FALSE(find(*cs.value, "switch:1").metering);
    EXPECT_TRUE(find(*cs.value, "cover:0").pos_control);
    EXPECT_TRUE(find(*cs.value, "input:0").button);
    EXPECT_FALSE(find(*cs.value, "input:1").button);
    EXPECT_EQ(device_id_of("hall", find(*cs.value, "input:1")), "hall_input_1");
}

TEST(shelly_model, malformed_answers_are_refused_precisely) {
    EXPECT_EQ(parse_components(json::array(), k_config).error, "Shelly.GetStatus: expected an object");
    EXPECT_EQ(parse_components(k_status, "x").error, "Shelly.GetConfig: expected an object");
    EXPECT_EQ(parse_components(json{{"switch:0", 5}}, json::object()).error,
              "Shelly.GetStatus: 'switch:0' is not an object");
    json many = json::object();
    for (int i = 0; i < 40; ++i) many["switch:" + std::to_string(i)] = json::object();
    EXPECT_EQ(parse_components(many, json::object()).error, "Shelly.GetStatus: more than 32 components");
    // Keys that only look like components are skipped, not trusted.
    auto odd = parse_components(json{{"switch:", json::object()},
                                     {"switch:x1", json::object()},
                                     {"switch:12345", json::object()},
                                     {"light", json::object()}},
                                json::object());
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd.value->empty());

    EXPECT_EQ(parse_device_info(json{{"id", 5}}).error,
              "Shelly.GetDeviceInfo: 'id' is missing or not a string of 1-64 characters");
    EXPECT_EQ(parse_device_info(json{{"id", "shelly1-x"}, {"gen", 1}}).error,
              "Shelly.GetDeviceInfo: 'gen' is not a Gen2+ generation (2-9)");
    auto info = parse_device_info(json::parse(R"({"id":"shellyplus2pm-a1","app":"Plus2PM","ver":"1.0.8","gen":2,
                                                   "auth_en":true})"));
    ASSERT_TRUE(info) << info.error;
    EXPECT_EQ(info.value->app, "Plus2PM");
    EXPECT_TRUE(info.value->auth_en);
}

TEST(shelly_model, states_map_units_and_skip_ill_typed_fields) {
    auto cs = *parse_components(k_status, k_config).value;
    EXPECT_EQ(*component_state(find(cs, "switch:0"), k_status["switch:0"]).value,
              json::parse(R"({"on": true, "power_w": 61.5, "energy_kwh": 1.2345})"));
    EXPECT_EQ(*component_state(find(cs, "light:0"), k_status["light:0"]).value,
              json::parse(R"({"on": true, "brightness": 42})"));
    EXPECT_EQ(*component_state(find(cs, "cover:0"), k_status["cover:0"]).value,
              json::parse(R"({"position": 37, "state": "opening", "power_w": 80})"));
    EXPECT_EQ(*component_state(find(cs, "input:0"), k_status["input:0"]).value, json::object());
    EXPECT_EQ(*component_state(find(cs, "input:1"), k_status["input:1"]).value, json::parse(R"({"on": true})"));
    // A NotifyStatus delta: only what it carries.
    EXPECT_EQ(*component_state(find(cs, "switch:0"), json{{"apower", 3.0}}).value, json::parse(R"({"power_w": 3.0})"));
    // Garbage types and values are dropped, never passed on; out-of-range positions are clamped.
    EXPECT_EQ(*component_state(find(cs, "switch:0"),
                               json::parse(R"({"output": "yes", "apower": "9", "aenergy": {"total": -5}})"))
                   .value,
              json::object());
    EXPECT_EQ(*component_state(find(cs, "cover:0"), json::parse(R"({"current_pos": 250, "state": "flying"})")).value,
              json::parse(R"({"position": 100})"));
    EXPECT_EQ(*component_state(find(cs, "cover:0"), json::parse(R"({"state": "calibrating"})")).value,
              json::parse(R"({"state": "stopped"})"));
    EXPECT_EQ(component_state(find(cs, "light:0"), json::array()).error, "light:0: the status is not an object");
}

TEST(shelly_model, every_state_fits_the_descriptor_the_driver_registers) {
    auto cs = *parse_components(k_status, k_config).value;
    const json descriptors = {
        {"switch:0", kit::plug("p", "P").metering().descriptor()},
        {"switch:1", kit::switch_("s", "S").descriptor()},
        {"light:0", kit::light("l", "L").dimmable().descriptor()},
        {"cover:0", kit::cover("c", "C").prop("power_w", kit::property::number().unit("W")).descriptor()},
        {"input:1", kit::binary_sensor("b", "B").descriptor()},
    };
    for (const auto& [key, desc] : descriptors.items()) {
        auto parsed = hearth::parse_descriptor(desc);
        ASSERT_TRUE(parsed.has_value()) << key;
        for (const json& status : {k_status[key], json::parse(R"({"current_pos": -3, "brightness": 101.7})")}) {
            const json state = *component_state(find(cs, key), status).value;
            for (const auto& [prop, value] : state.items()) {
                ASSERT_TRUE(parsed->properties.contains(prop)) << key << " " << prop;
                const auto why = hearth::check_value(parsed->properties.at(prop), value, false);
                EXPECT_FALSE(why.has_value()) << key << " " << prop << "=" << value << ": " << why.value_or("");
            }
        }
    }
    auto button =
        hearth::parse_descriptor(kit::button("b", "B", {"single_push", "double_push", "triple_push", "long_push"}));
    ASSERT_TRUE(button.has_value());
}

TEST(shelly_model, notifications_carry_status_deltas_and_presses) {
    auto n = parse_notification(json::parse(R"({"src":"shellyplus1-x","dst":"hearth","method":"NotifyStatus",
        "params":{"ts":1.5,"switch:0":{"id":0,"output":true},"wifi":{"rssi":-60},"cover:0":"bad"}})"));
    ASSERT_TRUE(n) << n.error;
    EXPECT_EQ(n.value->status, json::parse(R"({"switch:0":{"id":0,"output":true}})"));

    n = parse_notification(json::parse(R"({"method":"NotifyEvent","params":{"ts":2,"events":[
        {"component":"input:0","id":0,"event":"single_push"},
        {"component":"input:0","id":0,"event":"btn_down"},
        {"component":"sys","event":"scheduled_restart"},
        {"component":"input:1","event":"long_push"}, 7, {"event":"double_push"}]}})"));
    ASSERT_TRUE(n) << n.error;
    ASSERT_EQ(n.value->presses.size(), 2u);
    EXPECT_EQ(n.value->presses[0].component, "input:0");
    EXPECT_EQ(n.value->presses[0].event, "single_push");
    EXPECT_EQ(n.value->presses[1].event, "long_push");

    EXPECT_EQ(parse_notification(json::parse(R"({"id":1,"result":{}})")).error,
              "notification: no method (an RPC answer?)");
    EXPECT_EQ(parse_notification(json::parse(R"({"method":"NotifyEvent","params":{"events":{}}})")).error,
              "NotifyEvent: 'events' is missing or not an array");
    EXPECT_EQ(parse_notification(json::parse(R"({"method":"NotifyStatus","params":[]})")).error,
              "NotifyStatus: 'params' is missing or not an object");
    EXPECT_EQ(parse_notification(json::parse(R"({"method":"Reboot","params":{}})")).error,
              "notification: unknown method 'Reboot'");
    EXPECT_EQ(parse_notification("text").error, "notification: not a JSON object");
}

TEST(shelly_model, rpc_errors_name_the_method_and_the_device_code) {
    EXPECT_EQ(*rpc_result(json::parse(R"({"id":1,"result":{"was_on":false}})"), "Switch.Set").value,
              json::parse(R"({"was_on":false})"));
    EXPECT_EQ(
        rpc_result(json::parse(R"({"id":1,"error":{"code":-103,"message":"Invalid argument 'id'"}})"), "Switch.Set")
            .error,
        "Switch.Set: device error -103: Invalid argument 'id'");
    EXPECT_EQ(rpc_result(json::parse(R"({"id":1,"error":"x"})"), "Cover.Open").error,
              "Cover.Open: malformed error in the answer");
    EXPECT_EQ(rpc_result(json::parse(R"({"id":1})"), "Cover.Open").error,
              "Cover.Open: the answer has neither result nor error");
    EXPECT_EQ(rpc_result(json(nullptr), "X").error, "X: the answer is not a JSON object");
}

TEST(shelly_model, websocket_auth_answers_the_challenge_and_nothing_else) {
    const json challenge_error = {
        {"code", 401},
        {"message",
         R"({"auth_type":"digest","nonce":1625038762,"nc":1,"realm":"shellyplus1-a1","algorithm":"SHA-256"})"}};
    auto challenge = ws_challenge(challenge_error);
    ASSERT_TRUE(challenge);
    auto auth = ws_auth(*challenge, "secret", "abc123");
    ASSERT_TRUE(auth);
    EXPECT_EQ((*auth)["username"], "admin");
    EXPECT_EQ((*auth)["nonce"], 1625038762);
    EXPECT_EQ((*auth)["response"].get<std::string>().size(), 64u);
    EXPECT_TRUE(ws_auth_valid(*auth, "shellyplus1-a1", 1625038762, "secret"));
    EXPECT_FALSE(ws_auth_valid(*auth, "shellyplus1-a1", 1625038762, "Secret"));
    EXPECT_FALSE(ws_auth_valid(*auth, "shellyplus1-a1", 1625038763, "secret"));
    json tampered = *auth;
    tampered["cnonce"] = "abc124";
    EXPECT_FALSE(ws_auth_valid(tampered, "shellyplus1-a1", 1625038762, "secret"));

    EXPECT_FALSE(ws_challenge(json{{"code", 404}, {"message", "{}"}}));
    EXPECT_FALSE(ws_challenge(json{{"code", 401}, {"message", "not json"}}));
    EXPECT_FALSE(ws_auth(json{{"realm", "r"}, {"nonce", "12"}}, "p", "c"));  // a nonce must be a number
    EXPECT_FALSE(ws_auth(json{{"realm", "r"}, {"nonce", 12}, {"algorithm", "MD5"}}, "p", "c"));
    EXPECT_FALSE(ws_auth(json{{"nonce", 12}}, "p", "c"));
}

std::string refusal(const json& config) {
    std::string why;
    for (const auto& e : hearth::check_driver_config(k_config_schema, config))
        why += e.pointer + ": " + e.reason + "\n";
    return why;
}

TEST(shelly_model, config_schema_takes_devices_by_host_and_keeps_the_password_secret) {
    EXPECT_EQ(refusal(json::parse(R"({"devices":[{"id":"hall","host":"192.168.1.20","password":"pw"}],
                                     "poll_interval_s":5})")),
              "");
    EXPECT_NE(refusal(json::parse(R"({"devices":[]})")), "");
    EXPECT_NE(refusal(json::parse(R"({"devices":[{"id":"Hall","host":"h"}]})")), "");
    EXPECT_NE(refusal(json::parse(R"({"devices":[{"id":"hall"}]})")), "");
    EXPECT_NE(refusal(json::parse(R"({"devices":[{"id":"hall","host":"h","mdns":true}]})")), "");
    EXPECT_NE(std::string(k_config_schema)
                  .find(R"("password": {"type": "string", "minLength": 1, "maxLength": 128, "x-secret": true})"),
              std::string::npos);
}

}  // namespace
}  // namespace hearth::shelly
