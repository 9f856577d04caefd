#include "answer_claims.hpp"

#include "answer_text.hpp"
#include "batch_text.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace wtf::summarize::detail {

namespace {

using core::anomaly;
using core::anomaly_type;
using words_list = std::span<std::string_view const>;

bool one_of(std::string_view w, words_list list)
{
    return std::find(list.begin(), list.end(), w) != list.end();
}

constexpr std::array<std::string_view, 4> spike_words{"spike", "spikes", "spiked", "spiking"};
constexpr std::array<std::string_view, 4> drift_words{"drift", "drifts", "drifted", "drifting"};
constexpr std::array<std::string_view, 2> dropout_words{"dropout", "dropouts"};
// The kinds beyond the seed's, by words that name nothing else. "jumped", "deviated" or "constant"
// also describe a spike or a drift in honest answers, so they are only excursion cues.
constexpr std::array<std::string_view, 1> implausible_words{"implausible"};
constexpr std::array<std::string_view, 5> flatline_words{"flatline", "flatlines", "flatlined",
                                                         "stuck", "frozen"};
constexpr std::array<std::string_view, 2> deviation_words{"deviation", "deviations"};
constexpr std::array<std::string_view, 1> multivariate_words{"multivariate"};
// "the spike range", "its drift threshold": a band, not a kind of anomaly.
constexpr std::array<std::string_view, 16> band_nouns{
    "range", "ranges", "band",  "bands",  "limit",    "limits", "threshold", "thresholds",
    "level", "levels", "bound", "bounds", "boundary", "window", "setting",   "settings"};
constexpr std::array<std::string_view, 7> negations{"no",  "not",  "without", "never",
                                                    "nor", "none", "yet"};
// Words that say how a value behaved: with the parameter, they name a spike or a drift.
constexpr std::array<std::string_view, 70> excursion_cues{
    "surge",     "surged",     "surges",   "jump",      "jumped",    "jumps",     "peak",
    "peaked",    "peaking",    "peaks",    "exceed",    "exceeded",  "exceeding", "exceeds",
    "above",     "below",      "outside",  "beyond",    "over",      "under",     "high",
    "higher",    "highest",    "low",      "lower",     "lowest",    "rose",      "rise",
    "rising",    "risen",      "fell",     "fall",      "falling",   "fallen",    "dropped",
    "drop",      "drops",      "dropping", "dip",       "dipped",    "dips",      "climbed",
    "reached",   "reaching",   "soared",   "plunged",   "plummeted", "excursion", "excursions",
    "breach",    "breached",   "outlier",  "elevated",  "abnormal",  "hit",       "anomalous",
    "deviation", "deviations", "deviated", "deviating", "sustained", "persisted", "persistent",
    "prolonged", "remained",   "stayed",   "lasted",    "increased", "decreased", "extreme"};
constexpr std::array<std::string_view, 40> dropout_cues{"stopped reporting",
                                                        "stopped sending",
                                                        "stopped transmitting",
                                                        "stopped responding",
                                                        "stopped",
                                                        "no data",
                                                        "no readings",
                                                        "no reading",
                                                        "dropped out",
                                                        "drop out",
                                                        "drop-out",
                                                        "went offline",
                                                        "offline",
                                                        "went silent",
                                                        "silent",
                                                        "went quiet",
                                                        "lost contact",
                                                        "lost communication",
                                                        "lost connection",
                                                        "loss of communication",
                                                        "loss of signal",
                                                        "signal loss",
                                                        "communication loss",
                                                        "not reporting",
                                                        "did not report",
                                                        "didn't report",
                                                        "had not reported",
                                                        "has not reported",
                                                        "failed to report",
                                                        "no longer report",
                                                        "outage",
                                                        "outages",
                                                        "gap",
                                                        "gaps",
                                                        "disconnected",
                                                        "unresponsive",
                                                        "missing",
                                                        "unavailable",
                                                        "interrupted",
                                                        "interruption"};
constexpr std::array<std::string_view, 24> denied_things{
    "anomaly",   "anomalies",   "anomalous",     "issue",        "issues",         "problem",
    "problems",  "alarm",       "alarms",        "fault",        "faults",         "incident",
    "incidents", "abnormality", "abnormalities", "irregularity", "irregularities", "event",
    "events",    "alert",       "alerts",        "excursion",    "excursions",     "deviations"};
constexpr std::array<std::string_view, 7> denial_exceptions{
    "other than", "besides", "except", "apart from", "aside from", "beyond", "outside of"};
constexpr std::array<std::string_view, 36> normal_phrases{"operated normally",
                                                          "operating normally",
                                                          "functioned normally",
                                                          "functioning normally",
                                                          "working normally",
                                                          "worked normally",
                                                          "running normally",
                                                          "ran normally",
                                                          "performed normally",
                                                          "behaved normally",
                                                          "normal operation",
                                                          "normal operating",
                                                          "as expected",
                                                          "within normal",
                                                          "in the normal range",
                                                          "within the normal",
                                                          "within range",
                                                          "within limits",
                                                          "within its normal",
                                                          "within their normal",
                                                          "remained normal",
                                                          "remained stable",
                                                          "remained steady",
                                                          "remained within",
                                                          "stayed normal",
                                                          "stayed stable",
                                                          "stayed within",
                                                          "were normal",
                                                          "was normal",
                                                          "are normal",
                                                          "is normal",
                                                          "all normal",
                                                          "nominal",
                                                          "nothing unusual",
                                                          "nothing abnormal",
                                                          "everything was fine"};
constexpr std::array<std::string_view, 7> other_words{"other", "others", "otherwise", "remaining",
                                                      "rest",  "apart",  "aside"};
constexpr std::array<std::string_view, 24> resolved_phrases{
    "resolved", "cleared",        "recovered",   "normalised",  "normalized",      "subsided",
    "restored", "back to normal", "back within", "returned to", "returned within", "came back",
    "resumed",  "ended",          "ceased",      "stabilised",  "stabilized",      "went back",
    "is over",  "was over",       "recovery",    "closed",      "cleared up",      "returned"};
constexpr std::array<std::string_view, 30> downplay_phrases{"minor",
                                                            "negligible",
                                                            "insignificant",
                                                            "harmless",
                                                            "benign",
                                                            "trivial",
                                                            "no cause for concern",
                                                            "not a concern",
                                                            "no concern",
                                                            "of no concern",
                                                            "nothing to worry",
                                                            "not critical",
                                                            "not serious",
                                                            "not significant",
                                                            "not a problem",
                                                            "can be ignored",
                                                            "can safely be ignored",
                                                            "can be safely ignored",
                                                            "no action is required",
                                                            "no action required",
                                                            "no action is needed",
                                                            "no action needed",
                                                            "no action is necessary",
                                                            "no further action",
                                                            "false alarm",
                                                            "false alarms",
                                                            "low priority",
                                                            "unimportant",
                                                            "no immediate",
                                                            "no need"};
// A global "resolved" claim needs something that resolved.
constexpr std::array<std::string_view, 22> incident_nouns{
    "anomaly",   "anomalies",  "alarm",   "alarms",   "spike",   "spikes",   "drift", "drifts",
    "dropout",   "dropouts",   "issue",   "issues",   "problem", "problems", "event", "events",
    "excursion", "excursions", "episode", "episodes", "fault",   "faults"};
constexpr std::array<std::string_view, 20> advice_words{
    "should", "recommend", "recommended", "recommends",  "suggest",  "suggests", "suggested",
    "check",  "inspect",   "verify",      "investigate", "consider", "may",      "might",
    "could",  "possible",  "possibly",    "likely",      "advise",   "ensure"};
constexpr std::array<std::string_view, 13> prepositions{"on",   "at",  "from",      "for",    "in",
                                                        "by",   "of",  "affecting", "across", "to",
                                                        "with", "via", "within"};
constexpr std::array<std::string_view, 9> pronoun_starts{"it",   "its",   "this", "these", "that",
                                                         "they", "their", "both", "same"};
constexpr std::array<std::string_view, 9> clause_joins{" and ",         " while ", " whereas ",
                                                       " but ",         " with ",  " as well as ",
                                                       " followed by ", " plus ",  " also "};

enum class item_kind {
    number,
    time,
    type,       // a kind named: spike, drift, dropout
    parameter,  // a parameter named
    excursion,  // a value's behaviour: "rose", "above", "peaked"
    dropout,    // a sensor's silence: "stopped reporting", "offline"
    normal,     // "operated normally", "within normal range"
    resolved,   // "resolved", "returned to normal", "resumed"
    downplayed, // "minor", "no action is required"
    denied,     // "no anomalies", "no spikes"
};

struct item {
    std::size_t pos = 0;
    item_kind what = item_kind::number;
    std::size_t index = 0;            // number, time: into the scan; parameter: into names
    std::optional<anomaly_type> type; // type; denied: of one kind only
    std::string unit;                 // number
    std::string phrase;               // claims, as written (for reasons)
};

struct group {
    std::vector<std::string> sensors; // as the batch spells them
    std::size_t pos = 0;
    std::size_t end = 0;
    bool prepositional = false; // "... on wtf-pipe-1": facts before it may be its own
};

// One sentence part and the sensors it speaks of (none: the batch as a whole).
struct clause {
    std::vector<std::string> sensors;
    std::vector<item const*> items;
    std::size_t segment = 0;
};

std::string_view type_name(anomaly_type t) { return core::to_string(t); }

std::string kind_text(anomaly const& a)
{
    if (a.type == anomaly_type::dropout) return "dropout";
    return a.parameter + " " + std::string{type_name(a.type)};
}

std::string sensors_text(std::vector<std::string> const& sensors)
{
    std::string out;
    for (std::size_t k = 0; k < sensors.size(); ++k) {
        if (k > 0) out += k + 1 == sensors.size() ? " and " : ", ";
        out += sensors[k];
    }
    return out;
}

class reader {
public:
    reader(std::string_view text, batch const& b, std::span<parameter_info const> params,
           batch_facts const& f)
        : text_{text}, low_{lowered(text)}, b_{b}, f_{f}, words_{words(text)}
    {
        for (auto const& a : b_.anomalies) {
            if (std::find(ids_.begin(), ids_.end(), a.sensor_id) == ids_.end())
                ids_.push_back(a.sensor_id);
            if (!a.parameter.empty() &&
                std::find(names_.begin(), names_.end(), a.parameter) == names_.end())
                names_.push_back(a.parameter);
        }
        for (auto const& p : params)
            if (std::find(names_.begin(), names_.end(), p.name) == names_.end())
                names_.push_back(p.name);
        scan_ = scan(text_, ids_);
    }

    std::optional<answer_problem> run()
    {
        collect_items();
        std::vector<std::string> carried;
        std::vector<std::string> heading;
        auto const segs = segments(text_);
        for (std::size_t s = 0; s < segs.size(); ++s) read_segment(s, segs[s], carried, heading);
        if (auto problem = contradictions()) return problem;
        if (misattribution_) return misattribution_;
        return completeness();
    }

private:
    // ---- what the text says, where ------------------------------------------------------------

    // The index of the first word that starts at or after `pos`.
    std::size_t word_at(std::size_t pos) const
    {
        auto const it =
            std::lower_bound(words_.begin(), words_.end(), pos,
                             [](word const& w, std::size_t p) { return w.where.begin < p; });
        return static_cast<std::size_t>(it - words_.begin());
    }

    bool in_sensor_id(std::size_t pos) const
    {
        return std::any_of(scan_.sensor_ids.begin(), scan_.sensor_ids.end(), [&](auto const& id) {
            return pos >= id.pos && pos < id.pos + id.text.size();
        });
    }

    // Whether one of the `n` words before word `w` is in `list`.
    bool preceded_by(std::size_t w, std::size_t n, words_list list) const
    {
        for (std::size_t k = 1; k <= n && k <= w; ++k) {
            auto const& prev = words_[w - k].lower;
            if (one_of(prev, list) || prev.ends_with("n't")) return true;
        }
        return false;
    }

    void add_phrases(words_list phrases, item_kind what)
    {
        for (auto const phrase : phrases) {
            for (auto p = find_phrase(low_, phrase); p; p = find_phrase(low_, phrase, *p + 1)) {
                if (in_sensor_id(*p)) continue;
                item it;
                it.pos = *p;
                it.what = what;
                it.phrase = std::string{phrase};
                items_.push_back(std::move(it));
            }
        }
    }

    void collect_items()
    {
        for (std::size_t k = 0; k < scan_.numbers.size(); ++k) {
            auto const& n = scan_.numbers[k];
            items_.push_back({n.pos,
                              item_kind::number,
                              k,
                              {},
                              unit_after(text_, n.pos + n.text.size(), f_.units),
                              {}});
        }
        for (std::size_t k = 0; k < scan_.times.size(); ++k)
            items_.push_back({scan_.times[k].pos, item_kind::time, k, {}, {}, {}});
        for (std::size_t k = 0; k < names_.size(); ++k) {
            auto const name = lowered(names_[k]);
            std::vector<std::string> forms{name, name + "s"};
            if (name == "temperature") forms.push_back("temp");
            if (name == "flow") forms.insert(forms.end(), {"flow rate", "flowrate"});
            for (auto const& form : forms)
                for (auto p = find_phrase(low_, form); p; p = find_phrase(low_, form, *p + 1))
                    if (!in_sensor_id(*p))
                        items_.push_back({*p, item_kind::parameter, k, {}, {}, form});
        }
        for (std::size_t w = 0; w < words_.size(); ++w) collect_word(w);
        add_phrases(dropout_cues, item_kind::dropout);
        add_phrases(downplay_phrases, item_kind::downplayed);
        collect_state_claims();
        std::stable_sort(items_.begin(), items_.end(),
                         [](item const& x, item const& y) { return x.pos < y.pos; });
    }

    void collect_word(std::size_t w)
    {
        auto const& lw = words_[w].lower;
        auto const pos = words_[w].where.begin;
        if (in_sensor_id(pos)) return;
        std::optional<anomaly_type> type;
        if (one_of(lw, spike_words)) type = anomaly_type::spike;
        if (one_of(lw, drift_words)) type = anomaly_type::drift;
        if (one_of(lw, dropout_words)) type = anomaly_type::dropout;
        if (one_of(lw, implausible_words)) type = anomaly_type::implausible;
        if (one_of(lw, flatline_words)) type = anomaly_type::flatline;
        if (one_of(lw, deviation_words)) type = anomaly_type::deviation;
        if (one_of(lw, multivariate_words)) type = anomaly_type::multivariate;
        bool const negated = preceded_by(w, 3, negations);
        if (type) {
            bool const band = w + 1 < words_.size() && one_of(words_[w + 1].lower, band_nouns);
            if (!band && !negated) items_.push_back({pos, item_kind::type, w, type, {}, lw});
            if (negated && w > 0 && (words_[w - 1].lower == "no" || words_[w - 1].lower == "zero"))
                items_.push_back({pos, item_kind::denied, w, type, {}, "no " + lw});
        }
        if (one_of(lw, excursion_cues) && !negated)
            items_.push_back({pos, item_kind::excursion, w, {}, {}, lw});
        if (one_of(lw, denied_things) && denies(w))
            items_.push_back({pos, item_kind::denied, w, {}, {}, lw});
        if (lw == "nothing" && w + 1 < words_.size() &&
            one_of(words_[w + 1].lower,
                   std::array<std::string_view, 7>{"unusual", "abnormal", "significant", "notable",
                                                   "remarkable", "noteworthy", "concerning"}))
            items_.push_back({pos, item_kind::denied, w, {}, {}, "nothing " + words_[w + 1].lower});
    }

    // "no anomalies", "without any alarm", "anomalies were not detected"; not "no other
    // anomalies" (the qualifier stands between).
    bool denies(std::size_t w) const
    {
        auto const prev = [&](std::size_t k) -> std::string_view {
            return w >= k ? std::string_view{words_[w - k].lower} : std::string_view{};
        };
        if (prev(1) == "no" || prev(1) == "zero") return true;
        if (prev(1) == "any" && (one_of(prev(2), negations) || prev(2).ends_with("n't") ||
                                 one_of(prev(3), negations) || prev(3).ends_with("n't")))
            return true;
        if (w + 2 < words_.size()) {
            auto const& next = words_[w + 1].lower;
            auto const& then = words_[w + 2].lower;
            if ((next == "were" || next == "was") && (then == "not" || then == "never"))
                return true;
        }
        return false;
    }

    // "operated normally" and "returned to normal": the first said of something abnormal is a
    // contradiction; the second is one only while the episode is still active.
    void collect_state_claims()
    {
        for (auto const phrase : normal_phrases) {
            for (auto p = find_phrase(low_, phrase); p; p = find_phrase(low_, phrase, *p + 1)) {
                auto const w = word_at(*p);
                constexpr std::array<std::string_view, 7> returning{
                    "returned", "return", "returning", "back", "again", "came", "after"};
                constexpr std::array<std::string_view, 4> earlier{"until", "before", "prior",
                                                                  "till"};
                if (preceded_by(w, 3, earlier)) continue;
                bool const back = preceded_by(w, 3, returning);
                items_.push_back({*p,
                                  back ? item_kind::resolved : item_kind::normal,
                                  w,
                                  {},
                                  {},
                                  std::string{phrase}});
            }
        }
        for (auto const phrase : resolved_phrases) {
            for (auto p = find_phrase(low_, phrase); p; p = find_phrase(low_, phrase, *p + 1)) {
                auto const w = word_at(*p);
                if (preceded_by(w, 3, negations)) continue;
                // "returned to normal" is found as "returned" and "returned to" too: once.
                bool const seen = std::any_of(items_.begin(), items_.end(), [&](item const& it) {
                    return it.what == item_kind::resolved && *p >= it.pos &&
                           *p < it.pos + it.phrase.size();
                });
                if (!seen)
                    items_.push_back({*p, item_kind::resolved, w, {}, {}, std::string{phrase}});
            }
        }
    }

    // ---- sentences, their sensors, and who each fact belongs to ---------------------------

    std::vector<group> groups_in(text_span seg) const
    {
        std::vector<group> out;
        for (auto const& id : scan_.sensor_ids) {
            if (!seg.contains(id.pos)) continue;
            auto const known = std::find_if(ids_.begin(), ids_.end(), [&](std::string const& k) {
                return lowered(k) == lowered(id.text);
            });
            if (known == ids_.end()) continue; // not in the batch: the grounding check's
            auto const end = id.pos + id.text.size();
            if (!out.empty() && joined(out.back().end, id.pos)) {
                auto& g = out.back();
                if (std::find(g.sensors.begin(), g.sensors.end(), *known) == g.sensors.end())
                    g.sensors.push_back(*known);
                g.end = end;
                continue;
            }
            group g{{*known}, id.pos, end, false};
            auto w = word_at(id.pos);
            while (w > 0 && words_[w - 1].where.begin >= seg.begin &&
                   one_of(words_[w - 1].lower,
                          std::array<std::string_view, 4>{"sensor", "sensors", "the", "pipe"}))
                --w;
            g.prepositional = w > 0 && words_[w - 1].where.begin >= seg.begin &&
                              one_of(words_[w - 1].lower, prepositions);
            out.push_back(std::move(g));
        }
        return out;
    }

    // "wtf-pipe-1 and wtf-pipe-2", "wtf-pipe-1, wtf-pipe-2": one group of sensors.
    bool joined(std::size_t from, std::size_t to) const
    {
        std::string between{low_.substr(from, to - from)};
        for (std::string_view w : {"sensors", "sensor", "and", "or", "both"}) {
            for (auto p = find_phrase(between, w); p; p = find_phrase(between, w))
                between.erase(*p, w.size());
        }
        return between.find_first_not_of(" ,&/") == std::string::npos;
    }

    std::vector<std::size_t> clause_breaks(std::size_t from, std::size_t to) const
    {
        std::vector<std::size_t> out;
        for (auto p = from; p < to; ++p)
            if (low_[p] == ',' || low_[p] == ':' || low_[p] == '(') out.push_back(p);
        for (auto const join : clause_joins)
            for (auto p = low_.find(join, from); p != std::string::npos && p < to;
                 p = low_.find(join, p + 1))
                out.push_back(p);
        std::sort(out.begin(), out.end());
        return out;
    }

    bool advice(text_span seg) const
    {
        for (auto const& w : words_)
            if (seg.contains(w.where.begin) && one_of(w.lower, advice_words)) return true;
        return false;
    }

    // The sensors a sentence without any speaks of: "It also ...", or a list item under a
    // heading naming one. `strict` is false for a sentence that may also speak of the batch as
    // a whole ("A flow spike was seen as well."): it falls back to the batch when its facts do
    // not fit the inherited sensors.
    std::vector<std::string> inherited(text_span seg, std::vector<std::string> const& carried,
                                       std::vector<std::string> const& heading, bool& strict) const
    {
        strict = true;
        auto const first = word_at(seg.begin);
        if (first < words_.size() && seg.contains(words_[first].where.begin)) {
            auto const& w = words_[first].lower;
            bool const the_sensor =
                w == "the" && first + 1 < words_.size() && words_[first + 1].lower == "sensor";
            if (one_of(w, pronoun_starts) || the_sensor) return carried;
            if (w == "a" || w == "an" || w == "the") {
                strict = false;
                return carried;
            }
        }
        auto const lead = text_.substr(seg.begin, 2);
        bool const list_item = !lead.empty() && (lead[0] == '-' || lead[0] == '*' ||
                                                 text_.substr(seg.begin, 3) == "\xE2\x80\xA2" ||
                                                 (lead[0] >= '0' && lead[0] <= '9'));
        if (list_item) return heading;
        return {};
    }

    bool is_heading(text_span seg, std::vector<group> const& groups) const
    {
        if (groups.empty()) return false;
        auto const body = std::string_view{text_}.substr(seg.begin, seg.end - seg.begin);
        auto const last = body.find_last_not_of(" *_#\t\r");
        if (last != std::string_view::npos && body[last] == ':') return true;
        std::size_t others = 0;
        for (auto const& w : words_)
            if (seg.contains(w.where.begin) && !in_sensor_id(w.where.begin)) ++others;
        return others <= 1;
    }

    void read_segment(std::size_t s, text_span seg, std::vector<std::string>& carried,
                      std::vector<std::string>& heading)
    {
        std::vector<item const*> items;
        for (auto const& it : items_)
            if (seg.contains(it.pos)) items.push_back(&it);
        bool const advising = advice(seg);
        auto groups = groups_in(seg);
        if (groups.empty()) {
            bool strict = true;
            auto const from = inherited(seg, carried, heading, strict);
            clause trial{from, items, s};
            if (!from.empty() && (strict || fits(trial, advising)))
                groups.push_back({from, seg.begin, seg.begin, false});
        } else if (is_heading(seg, groups)) {
            heading = groups.back().sensors;
        } else {
            auto const lead = text_.substr(seg.begin, 1);
            if (lead != "-" && lead != "*") heading.clear();
        }
        if (groups.empty()) {
            clause c{{}, {}, s};
            for (auto const* it : items) {
                c.items.push_back(it);
                note_misfit(*it, {}, advising);
            }
            check_pairs(c, advising);
            clauses_.push_back(std::move(c));
            return;
        }
        carried = groups.back().sensors;

        // Facts before the first group are its own, facts after the last the last's; between
        // two groups they are the earlier one's, unless the later one is introduced by a
        // preposition ("a spike on wtf-pipe-1, and a drift on wtf-pipe-2"): then they may
        // split at a clause break.
        std::vector<clause> parts(groups.size());
        for (std::size_t g = 0; g < groups.size(); ++g) parts[g] = {groups[g].sensors, {}, s};
        for (auto const* it : items) {
            if (it->pos < groups.front().pos) parts.front().items.push_back(it);
            if (it->pos >= groups.back().end) parts.back().items.push_back(it);
        }
        for (std::size_t g = 0; g + 1 < groups.size(); ++g) {
            auto const from = groups[g].end;
            auto const to = groups[g + 1].pos;
            std::vector<item const*> between;
            for (auto const* it : items)
                if (it->pos >= from && it->pos < to) between.push_back(it);
            // "X on A, and Y on B": Y is B's, from the last clause break before B.
            std::vector<std::size_t> splits;
            if (groups[g + 1].prepositional) {
                auto breaks = clause_breaks(from, to);
                splits.assign(breaks.rbegin(), breaks.rend());
                splits.push_back(from);
            }
            splits.push_back(to);
            std::size_t chosen = to;
            for (auto const split : splits) {
                clause earlier{groups[g].sensors, {}, s};
                clause later{groups[g + 1].sensors, {}, s};
                for (auto const* it : between)
                    (it->pos < split ? earlier : later).items.push_back(it);
                if (fits(earlier, advising) && fits(later, advising)) {
                    chosen = split;
                    break;
                }
            }
            for (auto const* it : between)
                (it->pos < chosen ? parts[g] : parts[g + 1]).items.push_back(it);
        }
        // "Spikes: temperature on wtf-pipe-1 and flow on wtf-pipe-2": a kind before a colon
        // heads every sensor after it (credited to each, for completeness).
        std::vector<item const*> heading_kinds;
        auto const colon = low_.find(':', seg.begin);
        if (colon != std::string::npos && colon < groups.front().pos)
            for (auto const* it : parts.front().items)
                if (it->pos < colon &&
                    (it->what == item_kind::type || it->what == item_kind::excursion))
                    heading_kinds.push_back(it);
        for (std::size_t g = 0; g < parts.size(); ++g) {
            auto& part = parts[g];
            for (auto const* it : part.items) note_misfit(*it, part.sensors, advising);
            check_pairs(part, advising);
            if (g > 0)
                part.items.insert(part.items.end(), heading_kinds.begin(), heading_kinds.end());
            clauses_.push_back(std::move(part));
        }
    }

    // ---- does a fact belong to these sensors? -------------------------------------------------

    std::vector<anomaly const*> anomalies_of(std::vector<std::string> const& sensors) const
    {
        std::vector<anomaly const*> out;
        for (auto const& a : b_.anomalies)
            if (sensors.empty() ||
                std::find(sensors.begin(), sensors.end(), a.sensor_id) != sensors.end())
                out.push_back(&a);
        return out;
    }

    std::string kinds_of(std::vector<std::string> const& sensors) const
    {
        std::vector<std::string> kinds;
        for (auto const* a : anomalies_of(sensors)) {
            auto k = kind_text(*a);
            if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
        }
        return sensors_text(kinds);
    }

    std::optional<std::string> misfit(item const& it, std::vector<std::string> const& sensors,
                                      bool advising) const
    {
        auto const who = sensors.empty() ? std::string{"the batch"} : sensors_text(sensors);
        switch (it.what) {
        case item_kind::number: {
            auto const& n = scan_.numbers[it.index];
            auto const v = judge_number(n, it.unit, sensors, b_, f_);
            if (v.result == fit::fits) return std::nullopt;
            auto const shown = n.text + (it.unit.empty() ? "" : " " + it.unit);
            if (v.result == fit::wrong_unit && v.seen) {
                auto const& x = *v.seen;
                std::string what = x.kind == fact_kind::duration || x.kind == fact_kind::window
                                       ? "a duration in " + x.unit
                                       : "a " + x.parameter + " in " + x.unit;
                return shown + " has the wrong unit: " + n.text + " is " + what;
            }
            if (v.result == fit::other_sensor && v.seen && !v.seen->sensor.empty())
                return "number " + n.text + " is given to " + who + " but belongs to " +
                       v.seen->sensor +
                       (v.seen->parameter.empty() ? "" : " (" + v.seen->parameter + ")");
            if (v.result == fit::unknown && !it.unit.empty())
                return shown + " has a unit that fits nothing in the batch";
            return "number " + n.text + " is not a fact of " + who;
        }
        case item_kind::time:
            if (time_fits(scan_.times[it.index], sensors, b_)) return std::nullopt;
            return "time " + scan_.times[it.index].text + " is given to " + who +
                   ", which had no anomaly then";
        case item_kind::type: {
            if (advising) return std::nullopt;
            auto const list = anomalies_of(sensors);
            if (std::any_of(list.begin(), list.end(), [&](auto* a) { return a->type == *it.type; }))
                return std::nullopt;
            return who + " is said to have a " + std::string{type_name(*it.type)} + ", but had " +
                   (list.empty() ? std::string{"none"} : kinds_of(sensors));
        }
        case item_kind::parameter: {
            if (advising) return std::nullopt;
            auto const& name = names_[it.index];
            auto const list = anomalies_of(sensors);
            if (std::any_of(list.begin(), list.end(),
                            [&](auto* a) { return a->parameter == name; }))
                return std::nullopt;
            // A parameter the batch has no anomaly of is stated as background ("flow stayed
            // normal"), unless it is given to a sensor.
            if (sensors.empty()) return std::nullopt;
            return name + " is given to " + who + ", which had " + kinds_of(sensors);
        }
        default: return std::nullopt;
        }
    }

    void note_misfit(item const& it, std::vector<std::string> const& sensors, bool advising)
    {
        if (misattribution_) return;
        if (auto reason = misfit(it, sensors, advising))
            misattribution_ = answer_problem{answer_fault::misattributed, std::move(*reason)};
    }

    // "temperature spike", "drift in pressure": the pair must be one of the sensor's anomalies.
    std::optional<std::string> pair_misfit(clause const& c, bool advising) const
    {
        if (advising) return std::nullopt;
        for (auto const* t : c.items) {
            if (t->what != item_kind::type || *t->type == anomaly_type::dropout) continue;
            auto const tw = word_at(t->pos);
            item const* nearest = nullptr;
            std::size_t best = 4;
            for (auto const* p : c.items) {
                if (p->what != item_kind::parameter) continue;
                auto const pw = word_at(p->pos);
                auto const d = pw > tw ? pw - tw : tw - pw;
                if (d < best) {
                    best = d;
                    nearest = p;
                }
            }
            if (!nearest) continue;
            auto const& name = names_[nearest->index];
            auto const list = anomalies_of(c.sensors);
            if (std::any_of(list.begin(), list.end(),
                            [&](auto* a) { return a->type == *t->type && a->parameter == name; }))
                continue;
            auto const who = c.sensors.empty() ? std::string{"the batch"} : sensors_text(c.sensors);
            return who + " is said to have a " + name + " " + std::string{type_name(*t->type)} +
                   ", but had " + kinds_of(c.sensors);
        }
        return std::nullopt;
    }

    bool fits(clause const& c, bool advising) const
    {
        return std::none_of(c.items.begin(), c.items.end(),
                            [&](item const* it) { return misfit(*it, c.sensors, advising); }) &&
               !pair_misfit(c, advising);
    }

    void check_pairs(clause const& c, bool advising)
    {
        if (misattribution_) return;
        if (auto reason = pair_misfit(c, advising))
            misattribution_ = answer_problem{answer_fault::misattributed, std::move(*reason)};
    }

    // ---- contradictions ------------------------------------------------------------------------

    std::optional<answer_problem> contradictions() const
    {
        auto const segs = segments(text_);
        for (auto const& c : clauses_) {
            auto const seg = segs[c.segment];
            auto relevant = anomalies_of(c.sensors);
            std::vector<std::string> params;
            std::vector<anomaly_type> types;
            for (auto const* it : c.items) {
                if (it->what == item_kind::parameter) params.push_back(names_[it->index]);
                if (it->what == item_kind::type) types.push_back(*it->type);
            }
            std::erase_if(relevant, [&](anomaly const* a) {
                bool const p = params.empty() || std::find(params.begin(), params.end(),
                                                           a->parameter) != params.end();
                bool const t =
                    types.empty() || std::find(types.begin(), types.end(), a->type) != types.end();
                return !(p && t);
            });
            auto const who = c.sensors.empty() ? std::string{} : sensors_text(c.sensors) + " ";
            bool const qualified = words_in(seg, other_words);
            // "its pressure drifted to 0.8 bar before it returned to normal": a state is said of
            // the parameter named last before it, when there is one.
            auto scoped = [&](item const* claim) {
                item const* last = nullptr;
                for (auto const* it : c.items)
                    if (it->what == item_kind::parameter && it->pos < claim->pos) last = it;
                if (!last) return relevant;
                std::vector<anomaly const*> out;
                for (auto const* a : relevant)
                    if (a->parameter == names_[last->index]) out.push_back(a);
                return out.empty() ? relevant : out;
            };
            for (auto const* it : c.items) {
                auto const quoted = " (\"" + it->phrase + "\")";
                switch (it->what) {
                case item_kind::denied: {
                    if (has_exception(seg)) break;
                    auto const list = anomalies_of(c.sensors);
                    auto const n = std::count_if(list.begin(), list.end(), [&](auto* a) {
                        return !it->type || a->type == *it->type;
                    });
                    auto const things = it->type ? std::string{type_name(*it->type)} + "s"
                                                 : std::string{"anomalies"};
                    if (n > 0)
                        return answer_problem{answer_fault::contradicted,
                                              (who.empty() ? "says there were no " + things
                                                           : "says " + who + "had no " + things) +
                                                  quoted + ", but " +
                                                  (who.empty() ? "the batch " : who) + "had " +
                                                  std::to_string(n)};
                    break;
                }
                case item_kind::normal: {
                    auto const here = scoped(it);
                    if (qualified || here.empty()) break;
                    return answer_problem{
                        answer_fault::contradicted,
                        "says " + (who.empty() ? std::string{"all "} : who) + "was normal" +
                            quoted + ", but " + describe(*here.front()) + " " +
                            state(*here.front()) +
                            (here.size() > 1
                                 ? " (one of " + std::to_string(here.size()) + " anomalies)"
                                 : std::string{})};
                }
                case item_kind::resolved: {
                    auto const here = scoped(it);
                    if (here.empty()) break;
                    if (c.sensors.empty() && params.empty() && types.empty() &&
                        !words_in(seg, incident_nouns))
                        break;
                    bool const all = words_in(
                        seg, std::array<std::string_view, 4>{"all", "every", "both", "each"});
                    auto const active = std::count_if(here.begin(), here.end(),
                                                      [](auto* a) { return a->active(); });
                    if (active == 0) break;
                    if (!all && static_cast<std::size_t>(active) < here.size()) break;
                    auto const* open = *std::find_if(here.begin(), here.end(),
                                                     [](auto* a) { return a->active(); });
                    return answer_problem{answer_fault::contradicted,
                                          "says " + describe(*open) + " resolved" + quoted +
                                              ", but it is still active"};
                }
                case item_kind::downplayed: {
                    auto const critical =
                        std::find_if(relevant.begin(), relevant.end(), [](auto* a) {
                            return a->severity == core::severity::critical;
                        });
                    if (critical == relevant.end()) break;
                    return answer_problem{answer_fault::contradicted,
                                          "plays down the critical " + kind_text(**critical) +
                                              " on " + (*critical)->sensor_id + quoted};
                }
                default: break;
                }
            }
        }
        return std::nullopt;
    }

    bool words_in(text_span seg, words_list list) const
    {
        return std::any_of(words_.begin(), words_.end(), [&](word const& w) {
            return seg.contains(w.where.begin) && one_of(w.lower, list);
        });
    }

    bool has_exception(text_span seg) const
    {
        auto const part = std::string_view{low_}.substr(seg.begin, seg.end - seg.begin);
        return std::any_of(denial_exceptions.begin(), denial_exceptions.end(),
                           [&](std::string_view e) { return find_phrase(part, e).has_value(); });
    }

    static std::string describe(anomaly const& a)
    {
        return "the " + kind_text(a) + " on " + a.sensor_id;
    }

    static std::string state(anomaly const& a)
    {
        return a.active() ? "is still active" : "happened in the period";
    }

    // ---- completeness --------------------------------------------------------------------------

    std::optional<answer_problem> completeness() const
    {
        // Small is the batch's size, not the part of it the LLM could be shown.
        bool const small = b_.anomalies.size() + b_.left_out <= small_batch;
        for (auto const& a : b_.anomalies) {
            bool const critical = a.severity == core::severity::critical;
            if (!critical && !small) continue;
            bool named = false;
            bool described = false;
            for (auto const& c : clauses_) {
                if (std::find(c.sensors.begin(), c.sensors.end(), a.sensor_id) == c.sensors.end())
                    continue;
                named = true;
                if (states_kind(c, a)) described = true;
            }
            if (described) continue;
            std::string what = (critical ? "the critical " : "the ") + kind_text(a);
            std::string reason = named ? a.sensor_id + " is named but not its " + what.substr(4)
                                       : what + " on " + a.sensor_id + " is not mentioned";
            if (!critical)
                reason += " (a batch of " + std::to_string(b_.anomalies.size()) +
                          " is described in full)";
            return answer_problem{answer_fault::incomplete, std::move(reason)};
        }
        return std::nullopt;
    }

    bool states_kind(clause const& c, anomaly const& a) const
    {
        auto has = [&](auto pred) { return std::any_of(c.items.begin(), c.items.end(), pred); };
        if (a.type == anomaly_type::dropout)
            return has([](item const* it) {
                return it->what == item_kind::dropout ||
                       (it->what == item_kind::type && *it->type == anomaly_type::dropout);
            });
        bool const parameter = has([&](item const* it) {
            return it->what == item_kind::parameter && names_[it->index] == a.parameter;
        });
        bool const kind = has([&](item const* it) {
            return it->what == item_kind::excursion ||
                   (it->what == item_kind::type && *it->type == a.type);
        });
        return parameter && kind;
    }

    std::string_view text_;
    std::string low_;
    batch const& b_;
    batch_facts const& f_;
    std::vector<word> words_;
    std::vector<std::string> ids_;
    std::vector<std::string> names_;
    scan_result scan_;
    std::vector<item> items_;
    std::vector<clause> clauses_;
    std::optional<answer_problem> misattribution_;
};

} // namespace

std::optional<answer_problem> judge_claims(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params,
                                           batch_facts const& f)
{
    return reader{text, b, params, f}.run();
}

} // namespace wtf::summarize::detail
