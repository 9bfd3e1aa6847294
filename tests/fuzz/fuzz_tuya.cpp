// Fuzz target: the Tuya LAN protocol codec (plugins/tuya/protocol): TCP byte streams and UDP
// broadcasts from devices, before and after authentication. Input: byte 0 picks the mode, the
// rest is:
//   mode 0: a TCP stream: split with next_frame and each frame decoded by 3.3, 3.4 and 3.5
//           channels (with session keys) as a device frame; the whole input also as a discovery
//           broadcast (the keyless checks: prefix, length, suffix, CRC, JSON);
//   mode 1: byte 1 picks version and command, the rest is a plaintext payload: encoded as a
//           genuine device frame, then decoded, which must round-trip (the code behind the
//           HMAC/GCM gate);
//   mode 2: session negotiation payloads (check_neg_resp, check_neg_finish, client_nonce_of).
#include "fuzz_support.hpp"
#include "tuya_channel.hpp"
#include "tuya_discovery.hpp"
#include "tuya_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    namespace tuya = hearth::tuya;
    static const hearth::kit::aes128_key key = *tuya::parse_local_key("0123456789abcdef");
    static const tuya::nonce local{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const tuya::nonce remote{16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    static const auto make = [](tuya::protocol_version v) {
        tuya::channel ch(v, key);
        if (v != tuya::protocol_version::v33) ch.set_session_key(tuya::derive_session_key(v, key, local, remote));
        return ch;
    };
    static const tuya::channel channels[] = {make(tuya::protocol_version::v33), make(tuya::protocol_version::v34),
                                             make(tuya::protocol_version::v35)};

    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t mode = in.byte() % 3;
    if (mode == 1) {
        const std::uint8_t pick = in.byte();
        const std::string_view rest = in.rest();
        if (rest.size() > 4096) return 0;
        static const std::uint32_t commands[] = {tuya::cmd::status, tuya::cmd::dp_query, tuya::cmd::control_new,
                                                 tuya::cmd::heart_beat};
        const tuya::channel& ch = channels[pick % 3];
        tuya::message m;
        m.seq = pick;
        m.cmd = commands[(pick >> 2) % 4];
        m.retcode = 0;
        m.payload.assign(rest.begin(), rest.end());
        const tuya::bytes frame = ch.encode(m);
        check(tuya::next_frame(frame).size == frame.size(), "a genuine frame does not split to its size");
        const tuya::message_result r = ch.decode(frame, true);
        check(r.value.has_value(), "a genuine frame does not decode");
        check(r.value->cmd == m.cmd && r.value->seq == m.seq, "header fields changed");
        // A payload that itself starts with a version header loses it (devices send it either way).
        const bool header_like = rest.size() >= 15 && rest[0] == '3' && rest[1] == '.' && rest[2] >= '0' &&
                                 rest[2] <= '9' && ch.version() != tuya::protocol_version::v33;
        if (!header_like) check(r.value->payload == m.payload, "payload changed");
        return 0;
    }
    const std::string_view rest = in.rest();
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());
    if (mode == 2) {
        (void)tuya::check_neg_resp(key, local, bytes);
        (void)tuya::check_neg_finish(key, remote, bytes);
        (void)tuya::client_nonce_of(bytes);
        return 0;
    }
    std::span<const std::uint8_t> stream = bytes;
    while (!stream.empty()) {
        const tuya::split_result split = tuya::next_frame(stream);
        if (split.size == 0) {
            (void)tuya::describe(split.error);
            break;
        }
        check(split.size <= stream.size(), "frame longer than the stream");
        for (const auto& ch : channels) {
            const tuya::message_result r = ch.decode(stream.first(split.size), true);
            if (!r.value) check(!r.error.empty(), "refused without a reason");
        }
        stream = stream.subspan(split.size);
    }
    const tuya::discovery_result d = tuya::decode_discovery(bytes);
    if (!d.value) check(!d.error.empty(), "discovery refused without a reason");
    return 0;
}
