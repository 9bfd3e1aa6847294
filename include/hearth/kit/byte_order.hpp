// Role: big-endian (network order) byte writer and bounds-checked reader for binary device
// protocols. The reader never reads past its span: every accessor returns nothing once the data
// runs out, so a frame from the network can be parsed without a single unchecked index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hearth::kit {

/// Appends big-endian integers and raw bytes to a growing buffer.
class be_writer {
public:
    /// Appends one byte.
    void u8(std::uint8_t v) { out_.push_back(v); }
    /// Appends a 16-bit integer, most significant byte first.
    void u16(std::uint16_t v) {
        out_.push_back(static_cast<std::uint8_t>(v >> 8));
        out_.push_back(static_cast<std::uint8_t>(v));
    }
    /// Appends a 32-bit integer, most significant byte first.
    void u32(std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
    /// Appends `data` verbatim.
    void bytes(std::span<const std::uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
    /// Overwrites 4 bytes at `offset` (which must already be written) with `v`, big-endian.
    /// Returns false (and writes nothing) when the range is not inside the buffer.
    bool patch_u32(std::size_t offset, std::uint32_t v) {
        if (offset > out_.size() || out_.size() - offset < 4) return false;
        for (int i = 0; i < 4; ++i)
            out_[offset + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
        return true;
    }
    /// Bytes written so far.
    std::size_t size() const { return out_.size(); }
    /// The buffer (read-only view).
    const std::vector<std::uint8_t>& data() const { return out_; }
    /// Moves the buffer out; the writer is empty afterwards.
    std::vector<std::uint8_t> take() { return std::move(out_); }

private:
    std::vector<std::uint8_t> out_;
};

/// Reads big-endian integers and byte runs from a span, checking bounds on every read. After a
/// failed read the position is unchanged.
class be_reader {
public:
    explicit be_reader(std::span<const std::uint8_t> data) : data_(data) {}

    /// One byte, or nothing at the end.
    std::optional<std::uint8_t> u8() {
        if (remaining() < 1) return std::nullopt;
        return data_[pos_++];
    }
    /// A big-endian 16-bit integer, or nothing when fewer than 2 bytes remain.
    std::optional<std::uint16_t> u16() {
        if (remaining() < 2) return std::nullopt;
        const auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    /// A big-endian 32-bit integer, or nothing when fewer than 4 bytes remain.
    std::optional<std::uint32_t> u32() {
        if (remaining() < 4) return std::nullopt;
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
        pos_ += 4;
        return v;
    }
    /// The next `n` bytes (a view into the original data), or nothing when fewer remain.
    std::optional<std::span<const std::uint8_t>> bytes(std::size_t n) {
        if (remaining() < n) return std::nullopt;
        auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    /// Skips `n` bytes; false (position unchanged) when fewer remain.
    bool skip(std::size_t n) {
        if (remaining() < n) return false;
        pos_ += n;
        return true;
    }
    /// Bytes not yet read.
    std::size_t remaining() const { return data_.size() - pos_; }
    /// Bytes read so far.
    std::size_t position() const { return pos_; }

private:
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

/// Reads a big-endian 32-bit integer at `offset`, or nothing when it does not fit in `data`.
inline std::optional<std::uint32_t> read_be32(std::span<const std::uint8_t> data, std::size_t offset) {
    if (offset > data.size() || data.size() - offset < 4) return std::nullopt;
    be_reader r(data.subspan(offset));
    return r.u32();
}

}  // namespace hearth::kit
