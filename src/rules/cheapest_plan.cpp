// Planning of run_when_cheapest (see cheapest_plan.hpp).
#include "rules/cheapest_plan.hpp"

#include "core/cheapest_window.hpp"
#include "rules/time_calc.hpp"

#include <cmath>

namespace hearth::rules {

using json = nlohmann::json;

namespace {

/// Price integrals rounded to 1e-6: enough for any currency, without binary noise in the trace.
double rounded(double v) { return std::round(v * 1e6) / 1e6; }

std::string minutes_text(time_ms ms) { return std::to_string(ms / 60'000) + " min"; }

}  // namespace

cheapest_plan plan_cheapest_start(const energy_config& tariffs, const action& act, time_ms now) {
    cheapest_plan plan;
    plan.start = now;
    const time_ms deadline = next_time_of_day(now, act.deadline_s, every_day).value_or(now);
    plan.report = {{"deadline", deadline}, {"duration_min", act.duration_ms / 60'000}};
    if (tariffs.tariffs.empty()) {
        plan.report["start"] = now;
        plan.report["note"] = "no tariffs configured (\"energy\" \"tariffs\" in hearth.json): started at once";
        return plan;
    }
    if (!tariffs.currency.empty()) plan.report["currency"] = tariffs.currency;
    const auto choice = cheapest_start(tariffs, now, deadline, act.duration_ms);
    if (!choice) {
        const double now_cost = rounded(price_integral(tariffs, now, now + act.duration_ms));
        plan.report["start"] = now;
        plan.report["cost_per_kw"] = now_cost;
        plan.report["start_now_cost_per_kw"] = now_cost;
        plan.report["saving_per_kw"] = 0.0;
        plan.report["note"] = "the deadline " + act.deadline_text + " is less than " + minutes_text(act.duration_ms) +
                              " away: started at once (it ends after the deadline)";
        return plan;
    }
    // Ties go to the earliest minute; when that minute won, starting now costs the same.
    const bool at_once = choice->saving_per_kw() <= 0;
    plan.start = at_once ? now : choice->start;
    plan.report["start"] = plan.start;
    plan.report["cost_per_kw"] = rounded(choice->price_hours);
    plan.report["start_now_cost_per_kw"] = rounded(choice->price_hours_now);
    plan.report["saving_per_kw"] = rounded(choice->saving_per_kw());
    if (at_once) plan.report["note"] = "starting now is already the cheapest: started at once";
    return plan;
}

}  // namespace hearth::rules
