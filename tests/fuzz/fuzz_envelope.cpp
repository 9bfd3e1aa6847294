// Fuzz target: the community side's envelope parser (src/community/envelope.hpp) on untrusted up
// messages. Input: a first line is the topic, the rest the payload. Checks: an accepted message
// agrees with its topic (site, home, kind), its id starts with "<home>:", data is an object and
// the payload is within the contract's 256 KiB.
#include "community/envelope.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view topic = newline == std::string_view::npos ? input : input.substr(0, newline);
    const std::string_view payload = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    for (const auto t : {topic, std::string_view("community/s1/h1/up/alarm")}) {
        const auto message = hearth::community::parse_up_message(t, payload);
        if (!message) {
            continue;
        }
        const auto& m = message.value();
        check(payload.size() <= hearth::community::max_payload_bytes, "accepted an oversized payload");
        check(t == "community/" + m.site + "/" + m.home + "/up/" + m.kind, "topic and envelope differ");
        check(m.id.rfind(m.home + ":", 0) == 0, "id of another home");
        check(m.data.is_object(), "data is not an object");
        check(hearth::community::valid_node_id(m.site) && hearth::community::valid_node_id(m.home), "bad ids");
    }
    return 0;
}
