// Fuzz target: the ESPHome native API transport and messages (plugins/esphome/protocol), fed the
// bytes a device (or a client of the simulator) may send. Input: byte 0 picks the side and
// transport, the rest is a TCP stream cut into chunks by the input itself:
//   mode 0: a plaintext client reading a device's stream;
//   mode 1: a plaintext server (the simulator) reading a client's stream;
//   mode 2: a Noise server reading a client's hello and handshake (the refusal paths);
//   mode 3: a Noise client after start(), reading a device's hello and handshake answer.
// Every whole message is parsed as every message type the driver reads and goes through the
// driver's entity mapping (list -> entity -> descriptor, state -> state object for an entity of
// every kind); nothing may throw, and a failed session must stay failed.
#include "esphome_entities.hpp"
#include "esphome_messages.hpp"
#include "esphome_session.hpp"
#include "fuzz_support.hpp"

namespace {

namespace es = hearth::esphome;

void parse_all(const es::api_message& m) {
    const std::span<const std::uint8_t> p = m.payload;
    (void)es::parse<es::pb::HelloResponse>(p);
    (void)es::parse<es::pb::ConnectResponse>(p);
    (void)es::parse<es::pb::DeviceInfoResponse>(p);
    (void)es::parse<es::pb::ListEntitiesSwitchResponse>(p);
    (void)es::parse<es::pb::ListEntitiesLightResponse>(p);
    (void)es::parse<es::pb::ListEntitiesSensorResponse>(p);
    (void)es::parse<es::pb::ListEntitiesBinarySensorResponse>(p);
    (void)es::parse<es::pb::ListEntitiesCoverResponse>(p);
    (void)es::parse<es::pb::ListEntitiesClimateResponse>(p);
    (void)es::parse<es::pb::ListEntitiesLockResponse>(p);
    (void)es::parse<es::pb::ListEntitiesButtonResponse>(p);
    (void)es::parse<es::pb::LightStateResponse>(p);
    (void)es::parse<es::pb::ClimateStateResponse>(p);
    (void)es::parse<es::pb::CoverStateResponse>(p);
    (void)es::parse<es::pb::LockStateResponse>(p);
    (void)es::parse<es::pb::LightCommandRequest>(p);
    (void)es::parse<es::pb::ClimateCommandRequest>(p);

    // The driver's mapping: a list message becomes an entity and a descriptor; a state message is
    // read by an entity of each kind (the wrong kinds must simply not match).
    std::string skipped;
    if (auto e = es::entity_from_list(m.type, p, skipped)) {
        std::set<std::string> used;
        es::assign_device_id(*e, "fuzz", used);
        hearth::fuzz::check(!e->device_id.empty() && e->device_id.size() <= 64, "bad device id");
        (void)es::descriptor_of(*e, "Fuzz", "", "", "");
    }
    (void)es::state_key(m.type, p);
    static const auto kinds = [] {
        std::vector<es::entity> v;
        for (int k = 0; k <= static_cast<int>(es::entity_kind::button); ++k) {
            es::entity e;
            e.kind = static_cast<es::entity_kind>(k);
            e.dimmable = e.color_temp = e.current_temp = true;
            e.min_kelvin = 2000;
            e.max_kelvin = 6500;
            e.decimals = 2;
            e.modes = {"heat", "cool"};
            v.push_back(e);
        }
        return v;
    }();
    for (const auto& e : kinds) (void)es::state_of(e, m.type, p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    static const auto key = es::parse_encryption_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t mode = in.byte() % 4;
    const std::uint8_t cut = in.byte();
    const std::string_view rest = in.rest();
    const std::span<const std::uint8_t> stream(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());

    const bool client = mode == 0 || mode == 3;
    const bool noise = mode >= 2;
    es::session s(client ? es::session::role::client : es::session::role::server, noise ? key : std::nullopt, "fuzz",
                  "00:11:22:33:44:55");
    if (mode == 3) (void)s.start();
    const std::size_t step = 1 + (cut % 64);
    bool failed = false;
    for (std::size_t i = 0; i < stream.size(); i += step) {
        const auto r = s.feed(stream.subspan(i, std::min(step, stream.size() - i)));
        for (const auto& m : r.messages) parse_all(m);
        if (failed) check(r.error != es::session_error::none && r.messages.empty(), "a failed session recovered");
        if (r.error != es::session_error::none) {
            failed = true;
            check(!s.ready(), "a failed session is still ready");
            check(!r.detail.empty(), "an error without a reason");
        }
    }
    return 0;
}
