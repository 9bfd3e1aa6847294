// Role: the network side of yeelight_sim: one TCP listener per simulated bulb on 127.0.0.1,
// any number of clients per bulb, JSON-line requests answered in order, "props" notifications
// pushed to every client of the bulb after each change, and fault injection (drop, delay,
// error, garbage) set from the command line or at runtime with the extra method
// {"method": "sim_fault", "params": ["drop"|"delay"|"error"|"garbage"|"none"]}.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_bulb.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hearth::devsim::yeelight {

/// Command-line options of the simulator.
struct sim_options {
    std::uint16_t port = 55443;                ///< first bulb's port; bulb i listens on port + i
    int bulbs = 1;                             ///< number of simulated bulbs
    bulb_state initial;                        ///< initial state of every bulb
    std::string fault = "none";                ///< initial fault of every bulb
    std::chrono::milliseconds drop_for{3000};  ///< how long "drop" refuses connections
    std::chrono::milliseconds delay{5000};     ///< how late "delay" replies
    bool verbose = false;                      ///< log every line to stderr
};

/// True for the fault names the simulator knows.
bool is_fault(const std::string& name);

class bulb_endpoint;

/// All simulated bulbs of one process.
class sim_server {
public:
    /// Binds every listener (throws boost::system::system_error if a port is taken).
    sim_server(boost::asio::io_context& io, const sim_options& options);
    ~sim_server();
    sim_server(const sim_server&) = delete;
    sim_server& operator=(const sim_server&) = delete;

private:
    std::vector<std::shared_ptr<bulb_endpoint>> bulbs_;
};

}  // namespace hearth::devsim::yeelight
