// Role: JPEG encoding through libjpeg into memory (errors turned into exceptions without
// unwinding through C code), plus base64 encoding.
#include "jpeg_card.hpp"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstdlib>
#include <stdexcept>

#include <jpeglib.h>

namespace hearth::demo {

namespace {

struct error_trap {
    jpeg_error_mgr mgr;  // first member: libjpeg sees an error_trap* as a jpeg_error_mgr*
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_jpeg_error(j_common_ptr cinfo) {
    auto* trap = reinterpret_cast<error_trap*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, trap->message);
    std::longjmp(trap->jump, 1);
}

void on_jpeg_message(j_common_ptr /*cinfo*/, int /*level*/) {}  // no stderr chatter

struct jpeg_output {
    unsigned char* data = nullptr;  // malloc'd by libjpeg
    unsigned long size = 0;         // NOLINT(google-runtime-int): libjpeg's type
};

/// Only plain C objects live in this frame, so longjmp out of libjpeg is well defined. Returns
/// false with trap->message set on failure; `out->data` is then freed by the caller.
bool compress(const std::uint8_t* rgb, int width, int height, int quality, jpeg_output* out, error_trap* trap,
              jpeg_compress_struct* cinfo) {
    cinfo->err = jpeg_std_error(&trap->mgr);
    trap->mgr.error_exit = &on_jpeg_error;
    trap->mgr.emit_message = &on_jpeg_message;
    if (setjmp(trap->jump) != 0) {
        jpeg_destroy_compress(cinfo);
        return false;
    }
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, &out->data, &out->size);
    cinfo->image_width = static_cast<JDIMENSION>(width);
    cinfo->image_height = static_cast<JDIMENSION>(height);
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    jpeg_start_compress(cinfo, TRUE);
    const auto stride = static_cast<std::size_t>(width) * 3;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(rgb + stride * cinfo->next_scanline);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);
    return true;
}

}  // namespace

std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height, int quality) {
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
        throw std::invalid_argument("encode_jpeg: pixel buffer does not match width x height x 3");
    jpeg_output out;
    error_trap trap{};
    jpeg_compress_struct cinfo{};
    const bool ok = compress(rgb.data(), width, height, quality, &out, &trap, &cinfo);
    std::vector<std::uint8_t> bytes;
    if (ok) bytes.assign(out.data, out.data + out.size);
    std::free(out.data);  // NOLINT(cppcoreguidelines-no-malloc): allocated by libjpeg
    if (!ok) throw std::runtime_error(std::string("libjpeg: ") + trap.message);
    return bytes;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U) | bytes[i + 2];
        out += k_alphabet[(v >> 18U) & 63U];
        out += k_alphabet[(v >> 12U) & 63U];
        out += k_alphabet[(v >> 6U) & 63U];
        out += k_alphabet[v & 63U];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t{bytes[i]} << 16U;
        if (rest == 2) v |= std::uint32_t{bytes[i + 1]} << 8U;
        out += k_alphabet[(v >> 18U) & 63U];
        out += k_alphabet[(v >> 12U) & 63U];
        out += rest == 2 ? k_alphabet[(v >> 6U) & 63U] : '=';
        out += '=';
    }
    return out;
}

}  // namespace hearth::demo
