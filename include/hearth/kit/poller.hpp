// Periodic polling with jitter and backoff, on the driver's io thread.
//
// poll_schedule is the pure arithmetic (testable without time): after a success the next poll is
// `interval` ± `jitter`; after n failures in a row it is interval × 2^n, capped at `max_backoff`,
// ± jitter, so a dead device is not hammered and many devices do not poll in lockstep.
// poller drives an asynchronous poll function with it: at most one poll is in flight.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>

namespace hearth::kit {

struct poll_options {
    std::chrono::milliseconds interval{10'000};      ///< between polls while the device answers
    double jitter = 0.1;                             ///< ± this fraction of each delay, 0 ≤ jitter < 1
    std::chrono::milliseconds max_backoff{300'000};  ///< the longest delay after failures
};

class poll_schedule {
public:
    /// `seed` fixes the jitter sequence (tests); drivers use the default (random).
    explicit poll_schedule(poll_options options, std::uint64_t seed = std::random_device{}());

    /// The delay before the next poll after a successful one (and resets the backoff).
    std::chrono::milliseconds after_success();
    /// The delay before the next poll after a failed one (grows the backoff).
    std::chrono::milliseconds after_failure();
    [[nodiscard]] int failures() const noexcept { return failures_; }

private:
    std::chrono::milliseconds jittered(std::chrono::milliseconds base);

    poll_options options_;
    std::mt19937_64 random_;
    int failures_ = 0;
};

class poller {
public:
    /// Call it exactly once when the poll finished: true = the device answered.
    using done_fn = std::function<void(bool ok)>;
    /// Starts one poll; runs on the io thread.
    using poll_fn = std::function<void(done_fn done)>;

    poller(boost::asio::io_context& io, poll_options options, poll_fn poll);
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;
    ~poller();

    /// Polls after `first_delay`, then by the schedule, until stop().
    void start(std::chrono::milliseconds first_delay = std::chrono::milliseconds{0});
    /// Polls as soon as the poll in flight (if any) finished; e.g. for refresh().
    void poll_now();
    /// No poll starts after this; a poll in flight finishes but schedules nothing.
    void stop();

private:
    void arm(std::chrono::milliseconds delay);
    void run_poll();
    void finished(bool ok);

    boost::asio::steady_timer timer_;
    poll_schedule schedule_;
    poll_fn poll_;
    bool running_ = false;
    bool in_flight_ = false;
    bool again_ = false;
    std::shared_ptr<poller*> self_;  ///< done callbacks hold a weak copy: safe after destruction
};

}  // namespace hearth::kit
