// Role: implementation of sim_jpeg.hpp. libjpeg reports errors through longjmp; only plain C
// objects live in the frame that calls setjmp, and the C++ work happens outside it.
#include "sim_jpeg.hpp"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include <jpeglib.h>

namespace hearth::devsim {

namespace {

struct jpeg_failure {
    jpeg_error_mgr mgr;  // first member: libjpeg's error pointer is also a jpeg_failure*
    std::jmp_buf jump;
};

[[noreturn]] void jump_out(j_common_ptr cinfo) { std::longjmp(reinterpret_cast<jpeg_failure*>(cinfo->err)->jump, 1); }
void be_quiet(j_common_ptr, int) {}

/// Compresses RGB rows into a malloc'd buffer (*out, *out_size); false if libjpeg failed.
bool compress_rgb(const unsigned char* rgb, int width, int height, unsigned char** out, unsigned long* out_size) {
    jpeg_compress_struct cinfo{};
    jpeg_failure failure{};
    cinfo.err = jpeg_std_error(&failure.mgr);
    failure.mgr.error_exit = &jump_out;
    failure.mgr.emit_message = &be_quiet;
    if (setjmp(failure.jump) != 0) {
        jpeg_destroy_compress(&cinfo);
        return false;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, out, out_size);
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 80, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(rgb + static_cast<std::size_t>(width) * 3 * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return true;
}

}  // namespace

std::string render_snapshot_jpeg(std::uint64_t frame, int width, int height) {
    std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    const int marker = static_cast<int>(frame * 7 % static_cast<std::uint64_t>(width));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            unsigned char* px =
                &rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3];
            const bool bar = y < height / 4;
            px[0] = static_cast<unsigned char>(bar ? (x * 8 / width % 2) * 255 : x * 255 / width);
            px[1] = static_cast<unsigned char>(bar ? (x * 8 / width / 2 % 2) * 255 : y * 255 / height);
            px[2] = static_cast<unsigned char>(bar ? (x * 8 / width / 4 % 2) * 255 : (frame * 16) % 256);
            if (x >= marker && x < marker + 8 && !bar) px[0] = px[1] = px[2] = 255;
        }
    }
    unsigned char* data = nullptr;
    unsigned long size = 0;  // NOLINT(google-runtime-int): libjpeg's type
    const bool ok = compress_rgb(rgb.data(), width, height, &data, &size);
    std::string out;
    if (ok) out.assign(reinterpret_cast<const char*>(data), size);
    std::free(data);  // NOLINT(cppcoreguidelines-no-malloc): allocated by libjpeg
    if (!ok) throw std::runtime_error("libjpeg failed to encode the test picture");
    return out;
}

}  // namespace hearth::devsim
