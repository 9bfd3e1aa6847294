// Role: the state and API of the simulated Nuki Bridge, independent of the sockets. Stateful
// smart locks with realistic timing (locking/unlocking/unlatching for `transition_ms`, then the
// final state; unlatched falls back to unlocked), token and hashed-token authentication,
// registered callbacks notified on every state change, and injectable faults. Control endpoints
// under /sim/ (no auth) let tests and demos change faults, doors and manual operations at run
// time. Everything runs on one io_context thread.
#pragma once

#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nuki_sim {

/// Command line options of nuki_bridge_sim.
struct sim_options {
    int port = 8080;
    std::string token;
    int locks = 1;
    std::string fault = "none";  ///< none, jam, low_battery, auth_failure, slow, stream_drop
    int transition_ms = 500;     ///< how long locking/unlocking/unlatching last
    int unlatch_hold_ms = 3000;  ///< unlatched -> unlocked after this
    int slow_ms = 6000;          ///< response delay under the `slow` fault
    bool quiet = false;          ///< no request log on stdout
};

/// What the HTTP layer must send back.
struct sim_response {
    unsigned status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};  ///< answer only after this long
    bool drop = false;                   ///< close the connection without answering
};

/// Posts a JSON body to a URL (fire and forget, bounded); provided by the HTTP layer.
using callback_poster = std::function<void(const std::string& url, const std::string& json_body)>;

class bridge_sim {
public:
    bridge_sim(boost::asio::io_context& io, sim_options options, callback_poster poster);

    /// Handles one request. `target` is the raw request target (path + query).
    sim_response handle(bool is_post, const std::string& target);

    /// True when `fault` is a known fault name (including "none").
    static bool is_fault(const std::string& fault);

private:
    struct lock {
        std::uint64_t nuki_id = 0;
        std::string name;
        int state = 1;  // locked
        int door = 2;   // door closed
        int battery = 84;
        std::uint64_t generation = 0;  // bumps on every operation; stale timers check it
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    using params = std::map<std::string, std::string>;

    sim_response api(const std::string& path, const params& q);
    sim_response control(const std::string& path, const params& q);
    bool authorized(const params& q);
    lock* find(const params& q);
    sim_response lock_action(lock& l, int action, bool nowait);
    void begin_operation(lock& l, int moving, int final_state);
    void set_state(lock& l, int state);
    void notify(const lock& l);
    std::string state_json(const lock& l, bool with_ids) const;
    std::string list_json() const;

    boost::asio::io_context& io_;
    sim_options options_;
    callback_poster poster_;
    std::vector<std::unique_ptr<lock>> locks_;
    std::map<int, std::string> callbacks_;  // id -> url
    int next_callback_id_ = 0;
    std::deque<std::string> recent_rnr_;
    std::map<std::string, int> counters_;  // requests per path
};

}  // namespace nuki_sim
