// Fuzz target: the worker wire decoder (src/plugin/wire.hpp frame_reader): the byte stream a
// driver worker process sends to hearthd, fed in arbitrary chunks. Input: byte 0 picks the
// frame limit (the real 16 MiB or a small one), the rest is the stream. Checks: once in error
// the reader stays there; every decoded message is an object with a string "t", and encoding
// it again decodes to the same message.
#include "fuzz_support.hpp"
#include "plugin/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    using hearth::wire::frame_reader;
    hearth::fuzz::input_reader in(data, size);
    const std::size_t limit = (in.byte() & 1) != 0 ? 64 : hearth::wire::max_frame_size;
    const std::string_view stream = in.rest();

    frame_reader reader(limit);
    hearth::fuzz::chunker chunks(stream);
    std::size_t offset = 0;
    bool broken = false;
    while (offset < stream.size() && !broken) {
        const std::size_t n = chunks.next(stream.size() - offset);
        reader.feed(stream.substr(offset, n));
        offset += n;
        nlohmann::json message;
        for (;;) {
            const frame_reader::result r = reader.next(message);
            if (r == frame_reader::result::need_more) break;
            if (r == frame_reader::result::error) {
                check(!reader.error().empty(), "an error without a reason");
                broken = true;
                break;
            }
            check(message.is_object() && message.contains("t") && message["t"].is_string(), "a message without t");
            frame_reader again;
            again.feed(hearth::wire::encode(message));
            nlohmann::json decoded;
            check(again.next(decoded) == frame_reader::result::message && decoded == message,
                  "a decoded message does not survive encode + decode");
        }
    }
    if (broken) {
        nlohmann::json message;
        reader.feed("\x02\x00\x00\x00{}", 6);
        check(reader.next(message) == frame_reader::result::error, "a broken stream resynced");
    }
    return 0;
}
