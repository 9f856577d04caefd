#include <wtf/summarize/grounding.hpp>

#include "detail/answer_claims.hpp"
#include "detail/answer_text.hpp"
#include "detail/batch_facts.hpp"
#include "detail/batch_text.hpp"
#include "detail/english.hpp"
#include "detail/text_scan.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace wtf::summarize {

namespace {

// ---- readable ------------------------------------------------------------------------------

// A summary shorter than this says nothing an operator can use.
constexpr std::size_t min_words = 5;
// Below this share of English words or names from the batch, the text is token soup.
constexpr double min_known_share = 0.7;
// Whole tokens (ids and numbers included): below this share of distinct ones a long text is a
// model repeating itself.
constexpr double min_distinct_share = 0.15;
constexpr std::size_t repetition_floor = 40;
// Braces, brackets, quotes and backticks: above this share of the visible characters the
// answer is data or code, not prose.
constexpr double max_markup_share = 0.1;

std::string quoted_list(std::vector<std::string> const& items, std::size_t shown)
{
    std::string out;
    for (std::size_t k = 0; k < std::min(shown, items.size()); ++k) {
        if (k > 0) out += ", ";
        out += items[k];
    }
    if (items.size() > shown) out += ", ...";
    return out;
}

// Words of the batch that are no English words: sensor id parts, parameter names, units.
std::vector<std::string> batch_vocabulary(batch const& b, std::span<parameter_info const> params)
{
    std::vector<std::string> out{"wtfd", "utc", "id", "ids"};
    auto add_words = [&](std::string_view text) {
        for (auto const& w : detail::words(text)) out.push_back(w.lower);
    };
    for (auto const& a : b.anomalies) {
        add_words(a.sensor_id);
        add_words(a.parameter);
        add_words(a.unit);
    }
    for (auto const& p : params) {
        add_words(p.name);
        add_words(p.unit);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::optional<std::string> unreadable(std::string_view text, batch const& b,
                                      std::span<parameter_info const> params)
{
    if (auto const at = detail::first_unprintable(text)) {
        auto const byte = static_cast<unsigned char>(text[*at]);
        char code[8];
        std::snprintf(code, sizeof code, "\\x%02x", byte);
        return "control character or invalid UTF-8 (" + std::string{code} + " at byte " +
               std::to_string(*at) + ")";
    }
    auto const ws = detail::words(text);
    if (ws.size() < min_words)
        return "too short for a summary (" + std::to_string(ws.size()) + " words)";
    std::size_t const longest = 1'500 + 300 * b.anomalies.size();
    if (text.size() > longest)
        return "too long for a batch of " + std::to_string(b.anomalies.size()) + " (" +
               std::to_string(text.size()) + " bytes)";

    auto const vocabulary = batch_vocabulary(b, params);
    std::vector<std::string> unknown;
    for (auto const& w : ws) {
        bool const known =
            w.latin && (detail::is_english_word(w.lower) ||
                        std::binary_search(vocabulary.begin(), vocabulary.end(), w.lower));
        if (!known)
            unknown.push_back(std::string{text.substr(w.where.begin, w.where.end - w.where.begin)});
    }
    auto const known_share =
        1.0 - static_cast<double>(unknown.size()) / static_cast<double>(ws.size());
    if (known_share < min_known_share)
        return "not words: " + std::to_string(unknown.size()) + " of " + std::to_string(ws.size()) +
               " are neither English nor names from the batch (" + quoted_list(unknown, 5) + ")";

    std::map<std::string_view, std::size_t> tokens;
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size();) {
        auto const start = text.find_first_not_of(" \t\r\n", i);
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(" \t\r\n", start);
        if (end == std::string_view::npos) end = text.size();
        ++tokens[text.substr(start, end - start)];
        ++count;
        i = end;
    }
    if (count >= repetition_floor &&
        static_cast<double>(tokens.size()) < min_distinct_share * static_cast<double>(count))
        return "repeats itself (" + std::to_string(tokens.size()) + " distinct of " +
               std::to_string(count) + " words)";

    std::size_t visible = 0;
    std::size_t markup = 0;
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
        ++visible;
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == '`') ++markup;
    }
    if (static_cast<double>(markup) > max_markup_share * static_cast<double>(visible))
        return "data or code, not prose";
    return std::nullopt;
}

} // namespace

std::string_view to_string(answer_fault f) noexcept
{
    switch (f) {
    case answer_fault::unreadable: return "unreadable";
    case answer_fault::not_grounded: return "not grounded";
    case answer_fault::contradicted: return "contradicts the batch";
    case answer_fault::misattributed: return "misattributed";
    case answer_fault::incomplete: return "incomplete";
    }
    return "rejected";
}

std::string_view answer_checks() noexcept
{
    return "readable, grounded (numbers, sensors, times), not contradicted, attributed (each fact "
           "to its sensor, units), complete (critical alarms named with their kind)";
}

std::string strip_reasoning(std::string_view text)
{
    static constexpr std::array<std::string_view, 3> names{"thinking", "think", "reasoning"};
    std::string const low = detail::lowered(text);
    std::string out;
    std::size_t i = 0;

    // Some templates open the block in the prompt, so the reply starts inside it: a closing tag
    // with no opening one ends reasoning that began at the start.
    for (auto const name : names) {
        // Appended, not "</" + std::string: GCC 12 -O3 reports a false -Wrestrict (PR 105329).
        std::string close{"</"};
        close += name;
        close += '>';
        auto const c = low.find(close);
        if (c == std::string::npos) continue;
        std::string opening{"<"};
        opening += name;
        auto const open = low.find(opening);
        if (open == std::string::npos || open > c) i = std::max(i, c + close.size());
    }

    while (i < text.size()) {
        auto const lt = low.find('<', i);
        if (lt == std::string::npos) {
            out.append(text.substr(i));
            break;
        }
        std::optional<std::string_view> tag;
        std::size_t tag_end = 0;
        for (auto const name : names) {
            if (low.compare(lt + 1, name.size(), name) != 0) continue;
            auto const after = lt + 1 + name.size();
            if (after < low.size() && (low[after] == '>' || low[after] == ' ')) {
                auto const gt = low.find('>', after);
                if (gt == std::string::npos) continue;
                tag = name;
                tag_end = gt + 1;
                break;
            }
        }
        if (!tag) {
            out.append(text.substr(i, lt + 1 - i));
            i = lt + 1;
            continue;
        }
        out.append(text.substr(i, lt - i));
        std::string const close = "</" + std::string{*tag} + ">";
        auto const c = low.find(close, tag_end);
        // An unclosed block runs to the end: the model stopped while still reasoning.
        if (c == std::string::npos) break;
        i = c + close.size();
    }

    auto const first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    auto const last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

std::optional<std::string> check_grounding(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params)
{
    std::vector<std::string> ids;
    for (auto const& a : b.anomalies) ids.push_back(a.sensor_id);
    auto const found = detail::scan(text, ids);
    auto const f = detail::collect(b, params);

    std::vector<std::string> problems;
    auto note = [&](std::string p) {
        if (std::find(problems.begin(), problems.end(), p) == problems.end())
            problems.push_back(std::move(p));
    };
    for (auto const& n : found.numbers)
        if (!detail::grounded(n, f)) note("number " + n.text + " is not in the batch");
    for (auto const& id : found.sensor_ids) {
        auto const low = detail::lowered(id.text);
        bool const known = std::any_of(ids.begin(), ids.end(), [&](std::string const& k) {
            return detail::lowered(k) == low;
        });
        if (!known) note("sensor " + id.text + " is not in the batch");
    }
    for (auto const& t : found.times)
        if (!detail::grounded(t, b, f)) note("time " + t.text + " is outside the window");

    if (problems.empty()) return std::nullopt;
    constexpr std::size_t shown = 5;
    std::string reason;
    for (std::size_t k = 0; k < std::min(shown, problems.size()); ++k) {
        if (k > 0) reason += "; ";
        reason += problems[k];
    }
    if (problems.size() > shown)
        reason += "; and " + std::to_string(problems.size() - shown) + " more";
    return reason;
}

std::optional<answer_problem> check_answer(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params)
{
    if (auto problem = unreadable(text, b, params))
        return answer_problem{answer_fault::unreadable, std::move(*problem)};
    if (auto problem = check_grounding(text, b, params))
        return answer_problem{answer_fault::not_grounded, std::move(*problem)};
    auto const f = detail::collect(b, params);
    return detail::judge_claims(text, b, params, f);
}

} // namespace wtf::summarize
