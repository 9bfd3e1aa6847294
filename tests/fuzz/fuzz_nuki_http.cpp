// Fuzz target: what the Nuki driver reads from the network (plugins/nuki). Its HTTP parsing is
// Boost.Beast's, configured as the driver configures it; the bytes then go through the driver's
// own body handling (nuki_model.hpp, lock_tracker.hpp). Input: byte 0 picks the mode, the rest
// is the byte stream, fed to the parser in input-derived chunks:
//   mode 0: a bridge answer to GET /list (sdk/kit/http_client.cpp: response_parser<string_body>,
//           body_limit 1 MiB) -> JSON -> parse_list -> descriptor + state of each lock;
//   mode 1: a bridge answer to GET /lockState -> JSON -> parse_snapshot -> lock state;
//   mode 2: a callback POST to the driver's server (sdk/kit/callback_server.cpp: request_parser
//           <string_body>, body_limit 16 KiB, one path) -> JSON -> parse_callback -> state.
// Checks: each descriptor the driver builds passes the core's parse_descriptor (only a name or
// firmware text the core refuses is tolerated: the driver then skips that lock), and every state
// and event it reports fits that descriptor, as the core will check.
#include <utility>  // before Boost.Beast (Boost 1.74 + GCC 12 + C++20)

#include "fuzz_support.hpp"
#include "lock_tracker.hpp"
#include "nuki_model.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using hearth::fuzz::check;
using nlohmann::json;

const std::string k_callback_path = "/hearth-nuki/cb-3f9a1c";

/// Feeds `stream` to `parser` in chunks (as async_read would hand it over); true when a complete
/// message was parsed.
template <class Parser>
bool parse_message(Parser& parser, std::string_view stream) {
    hearth::fuzz::chunker chunks(stream);
    std::string pending;
    std::size_t offset = 0;
    beast::error_code ec;
    while (!parser.is_done()) {
        if (offset == stream.size()) {
            parser.put_eof(ec);
            return !ec && parser.is_done();
        }
        const std::size_t n = chunks.next(stream.size() - offset);
        pending.append(stream.substr(offset, n));
        offset += n;
        while (!pending.empty() && !parser.is_done()) {
            const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
            pending.erase(0, used);
            if (ec == http::error::need_more) {
                ec = {};
                break;
            }
            if (ec) return false;
            if (used == 0) break;
        }
    }
    return true;
}

/// What the core checks when the driver registers a lock and reports its state and events.
void check_lock(const hearth::nuki::paired_device& device, const hearth::nuki::lock_snapshot& update) {
    const std::string id = hearth::nuki::device_id("nuki_", device.nuki_id);
    const bool door = hearth::nuki::has_door_sensor(device.last_known);
    const auto result = hearth::parse_descriptor(hearth::nuki::make_descriptor(device, id, door));
    if (!result)
        for (const auto& e : result.error())
            check(e.pointer == "/name" || e.pointer == "/sw_version",
                  "the driver builds a descriptor the core refuses");
    if (!result) return;
    const hearth::device_descriptor& descriptor = *result;

    hearth::nuki::lock_tracker tracker(door);
    for (const auto& snapshot : {device.last_known, update}) {
        const hearth::nuki::tracker_output out = tracker.apply(snapshot);
        for (const auto& [name, value] : out.state.items()) {
            auto spec = descriptor.properties.find(name);
            check(spec != descriptor.properties.end(), "a reported property is not in the descriptor");
            check(!hearth::check_value(spec->second, value, false), "a reported value does not fit the descriptor");
        }
        for (const auto& event : out.events)
            check(descriptor.events.count(event.value("event_type", "")) == 1, "an event not in the descriptor");
    }
}

/// kit::http_client::get_json as nuki_driver.cpp uses it: a complete 200 answer with a JSON body.
std::optional<json> bridge_answer(std::string_view stream) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    if (!parse_message(parser, stream)) return std::nullopt;
    if (parser.get().result_int() != 200) return std::nullopt;
    json body = json::parse(parser.get().body(), nullptr, false);
    if (body.is_discarded()) return std::nullopt;
    return body;
}

void list_answer(std::string_view stream) {
    const auto body = bridge_answer(stream);
    if (!body) return;
    std::vector<hearth::nuki::paired_device> devices;
    try {
        devices = hearth::nuki::parse_list(*body);
    } catch (const std::runtime_error&) {
        return;  // the driver logs it and retries
    }
    for (const auto& d : devices) {
        check(d.nuki_id > 0, "a paired device without an id");
        if (hearth::nuki::is_lock_type(d.device_type)) check_lock(d, d.last_known);
    }
}

hearth::nuki::paired_device a_paired_lock() {
    hearth::nuki::paired_device d;
    d.nuki_id = 0x1a2b3c4d;
    d.name = "Front door";
    d.firmware = "3.5.10";
    d.last_known.state = hearth::nuki::k_state_locked;
    d.last_known.door_sensor = 2;
    return d;
}

void lock_state_answer(std::string_view stream) {
    if (const auto body = bridge_answer(stream)) check_lock(a_paired_lock(), hearth::nuki::parse_snapshot(*body));
}

void callback_request(std::string_view stream) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(16 * 1024);
    if (!parse_message(parser, stream)) return;
    const auto& req = parser.get();
    if (req.target() != k_callback_path || req.method() != http::verb::post) return;
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) return;
    if (const auto update = hearth::nuki::parse_callback(body)) {
        check(update->nuki_id > 0, "a callback without an id");
        check_lock(a_paired_lock(), update->state);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t mode = in.byte() % 3;
    const std::string_view stream = in.rest();
    if (mode == 0)
        list_answer(stream);
    else if (mode == 1)
        lock_state_answer(stream);
    else
        callback_request(stream);
    return 0;
}
