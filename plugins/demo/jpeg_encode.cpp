// Role: JPEG encoding of the test card with TurboJPEG (libjpeg-turbo's compact API), plus base64.
#include "jpeg_card.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include <turbojpeg.h>

namespace hearth::demo {

std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height, int quality) {
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
        throw std::invalid_argument("encode_jpeg: pixel buffer does not match width x height x 3");
    const std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), &tjDestroy);
    if (!tj) throw std::runtime_error(std::string("turbojpeg: ") + tjGetErrorStr2(nullptr));
    unsigned char* out = nullptr;
    unsigned long size = 0;  // NOLINT(google-runtime-int): TurboJPEG's type
    const int rc = tjCompress2(tj.get(), rgb.data(), width, 0, height, TJPF_RGB, &out, &size, TJSAMP_420, quality, 0);
    const std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(out, &tjFree);
    if (rc != 0) throw std::runtime_error(std::string("turbojpeg: ") + tjGetErrorStr2(tj.get()));
    return {out, out + size};
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = std::uint32_t{bytes[i]} << 16U;
        if (n > 1) v |= std::uint32_t{bytes[i + 1]} << 8U;
        if (n > 2) v |= bytes[i + 2];
        out += k_alphabet[(v >> 18U) & 63U];
        out += k_alphabet[(v >> 12U) & 63U];
        out += n > 1 ? k_alphabet[(v >> 6U) & 63U] : '=';
        out += n > 2 ? k_alphabet[v & 63U] : '=';
    }
    return out;
}

}  // namespace hearth::demo
