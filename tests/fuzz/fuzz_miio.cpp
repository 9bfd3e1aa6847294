// Fuzz target: the miIO frame decoder (plugins/miio/transport/miio_protocol.hpp): UDP datagrams
// from the LAN, before and after the checksum. Input: byte 0 picks the mode, the rest is:
//   mode 0: a datagram: parse_header, parse_hello_reply, decode_frame, classify_reply with a
//           fixed token (the checksum gate);
//   mode 1: a ciphertext for decrypt (length and PKCS#7 padding checks);
//   mode 2: the JSON text a device answers: encoded as a genuine frame with the token, then
//           decoded and classified (the JSON-RPC reading behind the checksum), which must
//           round-trip.
#include "fuzz_support.hpp"
#include "miio_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    namespace miio = hearth::miio;
    static const miio::token_bytes token = *miio::parse_token("00112233445566778899aabbccddeeff");
    static const miio::cipher_keys keys = miio::derive_keys(token);

    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t mode = in.byte() % 3;
    const std::string_view rest = in.rest();
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());

    if (mode == 0) {
        (void)miio::parse_header(bytes);
        (void)miio::parse_hello_reply(bytes);
        const miio::decode_result decoded = miio::decode_frame(token, bytes);
        if (!decoded.frame) (void)miio::describe(decoded.error);
        (void)miio::classify_reply(token, bytes, 1);
    } else if (mode == 1) {
        if (auto plain = miio::decrypt(keys, bytes)) check(plain->size() < bytes.size(), "padding not removed");
    } else {
        if (rest.size() > 0xffff - miio::k_header_size - 16) return 0;  // longer than a frame can say
        const miio::bytes frame = miio::encode_frame(token, 0x0102abcd, 42, rest);
        const miio::decode_result decoded = miio::decode_frame(token, frame);
        check(decoded.frame.has_value(), "a genuine frame does not decode");
        std::string_view expected = rest;  // decode_frame drops the NULs some firmwares append
        while (!expected.empty() && expected.back() == '\0') expected.remove_suffix(1);
        check(decoded.frame->json_text == expected, "a genuine frame decodes to other text");
        const miio::classified_reply reply = miio::classify_reply(token, frame, 7);
        if (reply.kind == miio::reply_kind::garbage) check(!reply.detail.empty(), "garbage without a reason");
    }
    return 0;
}
