// loop_thread_check: loop-thread-only methods abort (debug/asan builds) when called from a thread
// other than the one that first called them; the check is compiled out under NDEBUG.
#include "core/loop_thread.hpp"
#include "core/registry.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

TEST(loop_thread_check, the_same_thread_passes_and_a_copy_binds_anew) {
    hearth::loop_thread_check check;
    check.assert_on_loop_thread("test::first");
    check.assert_on_loop_thread("test::again");
    hearth::loop_thread_check copy = check;
    std::thread other([&] { copy.assert_on_loop_thread("test::copy_elsewhere"); });  // the copy is unbound
    other.join();
    hearth::device_registry registry;
    EXPECT_FALSE(registry.remove("nothing"));
}

#ifndef NDEBUG
TEST(loop_thread_check_death, another_thread_aborts_with_the_method_name) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    hearth::loop_thread_check check;
    check.assert_on_loop_thread("test::bind");
    EXPECT_DEATH(
        {
            std::thread other([&] { check.assert_on_loop_thread("test::method"); });
            other.join();
        },
        "test::method called off its loop thread");
}

TEST(loop_thread_check_death, a_registry_mutation_off_the_loop_thread_aborts) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    hearth::device_registry registry;
    EXPECT_FALSE(registry.remove("bind"));  // the test thread is this registry's loop thread now
    EXPECT_DEATH(
        {
            std::thread other([&] { (void)registry.remove("x"); });
            other.join();
        },
        "device_registry::remove called off its loop thread");
}
#endif

}  // namespace
