// Role: the driver-owned thread of one miIO device: a FIFO of jobs (commands) and a periodic poll,
// both run on that thread with the device's miio_client, plus the availability hysteresis the
// drivers share (online after one success, offline only after N failed polls in a row).
// The host thread only posts jobs; it never waits for the network.
#pragma once

#include "miio_client.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace hearth::miio {

/// Availability with hysteresis. Pure; not thread-safe (used from the worker thread).
class availability {
public:
    /// `offline_after` consecutive failures make the device offline (>= 1).
    explicit availability(int offline_after) : offline_after_(offline_after < 1 ? 1 : offline_after) {}
    /// Records a poll outcome; returns the new availability when it changed (or is first known).
    std::optional<bool> record(bool success);
    [[nodiscard]] std::optional<bool> online() const { return online_; }
    [[nodiscard]] int failures() const { return failures_; }

private:
    int offline_after_;
    int failures_ = 0;
    std::optional<bool> online_;
};

class device_worker {
public:
    using job = std::function<void(miio_client&)>;

    /// `poll` runs every `poll_interval` (first one immediately) on the worker thread.
    device_worker(client_options opts, std::chrono::milliseconds poll_interval, job poll);
    ~device_worker();
    device_worker(const device_worker&) = delete;
    device_worker& operator=(const device_worker&) = delete;

    /// Starts the thread (once).
    void start();
    /// Queues `j` to run on the worker thread before the next poll. Ignored after stop().
    void post(job j);
    /// Makes the next poll happen as soon as the queue is empty.
    void poll_soon();
    /// Stops and joins the thread; queued jobs are dropped (the caller answers them). Idempotent.
    void stop();
    /// The client's counters.
    [[nodiscard]] const client_stats& stats() const { return client_.stats(); }

private:
    void run();

    miio_client client_;
    std::chrono::milliseconds interval_;
    job poll_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    bool stopping_ = false;
    bool started_ = false;
    std::chrono::steady_clock::time_point next_poll_{};
    std::thread thread_;
};

}  // namespace hearth::miio
