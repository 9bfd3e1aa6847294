// poll_schedule arithmetic (seeded jitter, exponential backoff with a cap) and poller on a real
// io_context: polls repeat, at most one is in flight, poll_now() coalesces, stop() ends it, a
// late done() after destruction is harmless.
#include <hearth/kit/poller.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

namespace {

using namespace std::chrono_literals;
using hearth::kit::poll_options;
using hearth::kit::poll_schedule;
using hearth::kit::poller;

TEST(kit_poll_schedule, success_is_the_interval_within_jitter) {
    poll_schedule s(poll_options{10'000ms, 0.1, 300'000ms}, 42);
    for (int i = 0; i < 1000; ++i) {
        const auto d = s.after_success();
        EXPECT_GE(d, 9'000ms);
        EXPECT_LE(d, 11'000ms);
    }
}

TEST(kit_poll_schedule, failures_double_up_to_the_cap_and_success_resets) {
    poll_schedule s(poll_options{1'000ms, 0.0, 10'000ms}, 1);
    EXPECT_EQ(s.after_failure(), 2'000ms);
    EXPECT_EQ(s.after_failure(), 4'000ms);
    EXPECT_EQ(s.after_failure(), 8'000ms);
    EXPECT_EQ(s.after_failure(), 10'000ms);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(s.after_failure(), 10'000ms);  // no overflow after many
    EXPECT_EQ(s.failures(), 104);
    EXPECT_EQ(s.after_success(), 1'000ms);
    EXPECT_EQ(s.after_failure(), 2'000ms);
}

TEST(kit_poll_schedule, same_seed_same_sequence_and_bad_options_are_clamped) {
    poll_schedule a(poll_options{5'000ms, 0.5, 60'000ms}, 7);
    poll_schedule b(poll_options{5'000ms, 0.5, 60'000ms}, 7);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(a.after_success(), b.after_success());
    poll_schedule odd(poll_options{0ms, 5.0, 0ms}, 3);  // interval ≥ 1 ms, jitter < 1
    for (int i = 0; i < 100; ++i) EXPECT_GE(odd.after_success(), 1ms);
}

TEST(kit_poller, polls_repeatedly_one_at_a_time_until_stopped) {
    boost::asio::io_context io;
    int polls = 0;
    std::optional<poller::done_fn> held;
    poller p(io, poll_options{1ms, 0.0, 4ms}, [&](poller::done_fn done) {
        ++polls;
        if (polls == 3) {
            held = std::move(done);  // in flight: no further poll may start
            return;
        }
        done(polls % 2 == 0);
    });
    p.start();
    io.run_for(2s);  // returns once idle: the third poll is held
    EXPECT_EQ(polls, 3);
    p.poll_now();  // coalesced behind the poll in flight
    io.restart();
    io.poll();
    EXPECT_EQ(polls, 3);
    (*held)(true);
    (*held)(true);  // a second call is ignored
    p.stop();
    io.restart();
    io.run_for(2s);
    EXPECT_EQ(polls, 3);  // stopped before the coalesced poll could start
}

TEST(kit_poller, poll_now_polls_at_once_and_done_after_destruction_is_harmless) {
    boost::asio::io_context io;
    int polls = 0;
    poller::done_fn late;
    {
        poller p(io, poll_options{3'600'000ms, 0.0, 3'600'000ms}, [&](poller::done_fn done) {
            ++polls;
            late = std::move(done);
        });
        p.start(3'600'000ms);
        p.poll_now();
        io.run_for(2s);
        EXPECT_EQ(polls, 1);
    }
    late(true);  // the poller is gone
    EXPECT_EQ(polls, 1);
}

}  // namespace
