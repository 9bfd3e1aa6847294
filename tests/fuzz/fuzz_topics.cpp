// Fuzz target: incoming MQTT topics classified against the v1 topic contract
// (src/mqtt/topics.hpp). Input: the whole input is one topic, classified against the default
// scheme and against a scheme with a multi-level base. Checks: whatever a topic addresses is
// consistent with the topic itself (a classified set/get names a non-empty device, and
// rebuilding the topic from the parts gives the input back).
#include "fuzz_support.hpp"
#include "mqtt/topics.hpp"

namespace {

void classify_and_check(const hearth::mqtt::topic_scheme& scheme, std::string_view topic) {
    using hearth::fuzz::check;
    using kind = hearth::mqtt::incoming_topic::kind;
    const hearth::mqtt::incoming_topic t = hearth::mqtt::classify(scheme, topic);
    switch (t.what) {
    case kind::set:
        check(!t.device.empty(), "set without a device");
        check(scheme.device(t.device, "set") == topic, "set topic does not rebuild");
        break;
    case kind::set_property:
        check(!t.device.empty() && !t.property.empty(), "set_property without device or property");
        check(scheme.device(t.device, "set/" + t.property) == topic, "set_property topic does not rebuild");
        break;
    case kind::get:
        check(!t.device.empty(), "get without a device");
        check(scheme.device(t.device, "get") == topic, "get topic does not rebuild");
        break;
    case kind::request:
        check(!t.request.empty(), "request without a name");
        check(scheme.bridge("request/" + t.request) == topic, "request topic does not rebuild");
        break;
    case kind::ha_status: check(scheme.ha_status() == topic, "ha_status is another topic"); break;
    case kind::unknown: break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const hearth::mqtt::topic_scheme default_scheme("hearth", "homeassistant");
    static const hearth::mqtt::topic_scheme nested_scheme("home/hub1", "ha/discovery");
    const std::string_view topic(reinterpret_cast<const char*>(data), size);
    classify_and_check(default_scheme, topic);
    classify_and_check(nested_scheme, topic);
    return 0;
}
