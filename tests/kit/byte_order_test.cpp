// Unit tests of include/hearth/kit/byte_order.hpp: big-endian layout, and that the reader refuses
// every read past the end without moving.
#include <hearth/kit/byte_order.hpp>

#include <gtest/gtest.h>

namespace hearth::kit {
namespace {

TEST(kit_byte_order, writer_lays_out_big_endian) {
    be_writer w;
    w.u8(0x01);
    w.u16(0x0203);
    w.u32(0x04050607);
    const std::uint8_t tail[] = {0xAA, 0xBB};
    w.bytes(tail);
    EXPECT_EQ(w.data(), (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 0xAA, 0xBB}));
    EXPECT_TRUE(w.patch_u32(1, 0x11223344));
    EXPECT_FALSE(w.patch_u32(6, 0));
    EXPECT_EQ(w.take(), (std::vector<std::uint8_t>{1, 0x11, 0x22, 0x33, 0x44, 6, 7, 0xAA, 0xBB}));
}

TEST(kit_byte_order, reader_reads_in_order_and_stops_at_the_end) {
    const std::vector<std::uint8_t> data{0x00, 0x00, 0x55, 0xAA, 0x12, 0x34, 0x56};
    be_reader r(data);
    EXPECT_EQ(r.u32(), 0x000055AAU);
    EXPECT_FALSE(r.u32());  // three bytes left
    EXPECT_EQ(r.position(), 4U);
    EXPECT_EQ(r.u16(), 0x1234);
    EXPECT_FALSE(r.bytes(2));
    EXPECT_FALSE(r.skip(2));
    EXPECT_EQ(r.u8(), 0x56);
    EXPECT_FALSE(r.u8());
    EXPECT_FALSE(r.u16());
    EXPECT_EQ(r.remaining(), 0U);
}

TEST(kit_byte_order, read_be32_checks_the_offset) {
    const std::vector<std::uint8_t> data{0, 0, 0xAA, 0x55, 9};
    EXPECT_EQ(read_be32(data, 0), 0x0000AA55U);
    EXPECT_EQ(read_be32(data, 1), 0x00AA5509U);
    EXPECT_FALSE(read_be32(data, 2));
    EXPECT_FALSE(read_be32(data, 100));
}

}  // namespace
}  // namespace hearth::kit
