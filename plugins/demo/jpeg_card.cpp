// Role: drawing the camera's snapshot test card (pure pixel work; encoding is in jpeg_encode.cpp).
#include "jpeg_card.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string_view>

namespace hearth::demo {

namespace {

struct rgb {
    std::uint8_t r, g, b;
};

/// 5x7 glyphs for 0-9 and ':', one byte per row, bit 4 = leftmost column.
constexpr std::array<std::array<std::uint8_t, 7>, 11> k_glyphs = {{
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},  // 0
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},  // 1
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},  // 2
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},  // 3
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},  // 4
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},  // 5
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},  // 6
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},  // 7
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},  // 8
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},  // 9
    {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00},  // :
}};

class canvas {
public:
    canvas(int w, int h) : w_(w), h_(h), px_(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {}

    void set(int x, int y, rgb c) {
        if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
        const auto i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x)) * 3;
        px_[i] = c.r;
        px_[i + 1] = c.g;
        px_[i + 2] = c.b;
    }
    void fill(int x0, int y0, int w, int h, rgb c) {
        for (int y = y0; y < y0 + h; ++y)
            for (int x = x0; x < x0 + w; ++x) set(x, y, c);
    }
    /// Draws `text` (digits and ':') with its top-left corner at (x0, y0), each dot scale x scale.
    void text(int x0, int y0, std::string_view text, int scale, rgb c) {
        for (const char ch : text) {
            const std::size_t g = ch == ':' ? 10 : static_cast<std::size_t>(ch - '0');
            if (g < k_glyphs.size()) {
                for (int row = 0; row < 7; ++row) {
                    for (int col = 0; col < 5; ++col) {
                        if ((k_glyphs[g][static_cast<std::size_t>(row)] >> (4 - col)) & 1U)
                            fill(x0 + col * scale, y0 + row * scale, scale, scale, c);
                    }
                }
            }
            x0 += 6 * scale;
        }
    }
    [[nodiscard]] const std::vector<std::uint8_t>& pixels() const { return px_; }

private:
    int w_, h_;
    std::vector<std::uint8_t> px_;
};

std::uint8_t channel(double v) { return static_cast<std::uint8_t>(std::lround(std::fmin(255.0, std::fmax(0.0, v)))); }

/// Colour of hue `h` (0-1) at full saturation, scaled by `v` (0-1).
rgb hue(double h, double v) {
    const double r = std::fabs(h * 6 - 3) - 1;
    const double g = 2 - std::fabs(h * 6 - 2);
    const double b = 2 - std::fabs(h * 6 - 4);
    return {channel(std::fmin(1, std::fmax(0, r)) * v * 255), channel(std::fmin(1, std::fmax(0, g)) * v * 255),
            channel(std::fmin(1, std::fmax(0, b)) * v * 255)};
}

}  // namespace

std::vector<std::uint8_t> render_test_card_jpeg(std::uint64_t now_ms) {
    constexpr int w = k_card_width;
    constexpr int h = k_card_height;
    canvas c(w, h);
    const double t_s = static_cast<double>(now_ms % 86400000ULL) / 1000.0;

    // Background: vertical gradient whose hue turns once a minute.
    const double base_hue = std::fmod(t_s / 60.0, 1.0);
    for (int y = 0; y < h; ++y) {
        const rgb row = hue(std::fmod(base_hue + y / (4.0 * h), 1.0), 0.35 + 0.5 * y / h);
        c.fill(0, y, w, 1, row);
    }
    // Colour bars across the top third.
    constexpr std::array<rgb, 8> bars = {{{192, 192, 192},
                                          {192, 192, 0},
                                          {0, 192, 192},
                                          {0, 192, 0},
                                          {192, 0, 192},
                                          {192, 0, 0},
                                          {0, 0, 192},
                                          {16, 16, 16}}};
    for (std::size_t i = 0; i < bars.size(); ++i) c.fill(static_cast<int>(i) * w / 8, 0, w / 8, h / 3, bars[i]);
    // A marker crossing the frame every 16 s.
    const int mx = static_cast<int>(std::fmod(t_s * 20.0, static_cast<double>(w)));
    c.fill(mx - 10, h / 2 - 10, 20, 20, {255, 255, 255});
    // UTC time as HH:MM:SS on a dark band.
    const auto secs = static_cast<unsigned>(now_ms / 1000 % 86400);
    char clock[9];
    std::snprintf(clock, sizeof clock, "%02u:%02u:%02u", secs / 3600, secs / 60 % 60, secs % 60);
    c.fill(0, h - 44, w, 44, {0, 0, 0});
    c.text((w - 8 * 6 * 4) / 2, h - 38, clock, 4, {255, 255, 255});

    return encode_jpeg(c.pixels(), w, h, 80);
}

}  // namespace hearth::demo
