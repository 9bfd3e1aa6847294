// Role: the simulator's camera picture: a real baseline JPEG (libjpeg) of a test pattern that
// changes with a frame counter, so consecutive snapshots differ.
#pragma once

#include <cstdint>
#include <string>

namespace hearth::devsim {

/// Encodes a `width` x `height` test pattern for `frame` as JPEG (starts FF D8, ends FF D9).
/// Throws std::runtime_error if libjpeg fails.
std::string render_snapshot_jpeg(std::uint64_t frame, int width = 320, int height = 240);

}  // namespace hearth::devsim
