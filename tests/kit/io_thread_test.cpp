// io_thread: call() runs on the io thread and returns or rethrows; a throwing handler is reported
// and the loop keeps going; stop_and_join() drops pending work.
#include <hearth/kit/io_thread.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using hearth::kit::io_thread;

TEST(io_thread, call_runs_on_the_io_thread_and_returns_the_value) {
    io_thread t({});
    const auto caller = std::this_thread::get_id();
    const auto where = t.call([] { return std::this_thread::get_id(); });
    EXPECT_NE(where, caller);
    EXPECT_EQ(t.call([&t] { return t.on_this_thread(); }), true);
    EXPECT_FALSE(t.on_this_thread());
    EXPECT_EQ(t.call([] { return 41 + 1; }), 42);
}

TEST(io_thread, call_rethrows_on_the_caller) {
    io_thread t({});
    EXPECT_THROW(t.call([]() -> int { throw std::invalid_argument("bad"); }), std::invalid_argument);
    EXPECT_EQ(t.call([] { return 1; }), 1);  // still serving
}

TEST(io_thread, nested_call_on_the_io_thread_runs_inline) {
    io_thread t({});
    EXPECT_EQ(t.call([&t] { return t.call([] { return 7; }); }), 7);
}

TEST(io_thread, a_throwing_handler_is_reported_and_the_loop_goes_on) {
    std::vector<std::string> errors;  // written on the io thread, read after a call() round trip
    io_thread t([&errors](const std::string& what) noexcept { errors.push_back(what); });
    boost::asio::post(t.context(), [] { throw std::runtime_error("handler broke"); });
    EXPECT_EQ(t.call([] { return 5; }), 5);  // posted after the throwing handler: it ran first
    EXPECT_EQ(t.call([&errors] { return errors; }), std::vector<std::string>{"handler broke"});
}

TEST(io_thread, stop_and_join_is_idempotent_and_drops_pending_handlers) {
    std::atomic<int> ran{0};
    io_thread t({});
    t.call([&] {
        // Queued behind the running handler; stop() comes first, so they never run.
        for (int i = 0; i < 100; ++i) boost::asio::post(t.context(), [&ran] { ++ran; });
        t.context().stop();
    });
    t.stop_and_join();
    t.stop_and_join();
    EXPECT_EQ(ran.load(), 0);
}

}  // namespace
