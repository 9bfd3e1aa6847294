// Role: the nuki driver's I/O thread. Owns one io_context run by one driver-owned std::thread:
// the callback server lives on it, and bridge requests (blocking, each bounded by its timeout)
// run on it one at a time. Results go back to the host's instance thread with
// host().set_timer(0, ...), so all driver state stays single-threaded.
#pragma once

#include "http_client.hpp"

#include <hearth/driver.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace hearth::nuki {

class io_worker {
public:
    io_worker(hearth::host& h, bridge_client& client) : host_(h), client_(client) {}
    ~io_worker() { stop(); }
    io_worker(const io_worker&) = delete;
    io_worker& operator=(const io_worker&) = delete;

    /// The io_context, for objects that live on the I/O thread (the callback server).
    boost::asio::io_context& io() { return io_; }

    /// Starts the I/O thread. Call once, from the instance thread.
    void start();
    /// Aborts the request in flight, stops and joins the I/O thread; afterwards nothing more is
    /// delivered to the instance thread. Idempotent; instance thread only.
    void stop();

    /// Runs `job` on the I/O thread (dropped once stopping).
    void post(std::function<void()> job);
    /// Runs `fn` on the instance thread (dropped once stopped). Any thread.
    void to_host(std::function<void()> fn);
    /// GETs `path` on the I/O thread, then calls `done` with the result on the instance thread.
    void request(std::string path, bridge_client::params query, std::function<void(const http_result&)> done);

private:
    hearth::host& host_;
    bridge_client& client_;
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::atomic<bool> stopping_{false};  ///< read on the I/O thread
    bool stopped_ = false;               ///< instance thread only
    std::thread thread_;
};

}  // namespace hearth::nuki
