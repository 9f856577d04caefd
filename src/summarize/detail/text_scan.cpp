#include "text_scan.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace wtf::summarize::detail {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) noexcept { return is_digit(c) || is_alpha(c) || c == '_'; }
char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

class scanner {
public:
    scanner(std::string_view text, std::span<std::string const> known) : s_{text}
    {
        for (auto const& id : known)
            if (!id.empty()) known_.push_back(id);
        std::sort(known_.begin(), known_.end(),
                  [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    }

    scan_result run()
    {
        while (i_ < s_.size()) {
            char const c = s_[i_];
            bool const at_start = i_ == 0 || !is_word(s_[i_ - 1]);
            if (at_start && (is_alpha(c) || is_digit(c) || c == '_')) {
                if (sensor_id()) continue;
            }
            if (is_alpha(c) || c == '_') {
                skip_word();
                continue;
            }
            if (is_digit(c)) {
                if (!at_start) {
                    skip_word();
                    continue;
                }
                if (date_time() || clock_time() || number(i_, false)) continue;
            }
            if (c == '-' && at_start && digit_at(i_ + 1) && (i_ == 0 || s_[i_ - 1] != '-')) {
                if (number(i_ + 1, true)) continue;
            }
            // U+2212 MINUS SIGN, which typeset prose uses.
            if (s_.substr(i_, 3) == "\xE2\x88\x92" && digit_at(i_ + 3)) {
                if (number(i_ + 3, true)) continue;
            }
            ++i_;
        }
        return std::move(out_);
    }

private:
    bool digit_at(std::size_t p) const noexcept { return p < s_.size() && is_digit(s_[p]); }

    // Ends an id: not followed by a word character or by "-x" continuing it.
    bool id_ends_at(std::size_t p) const noexcept
    {
        if (p >= s_.size()) return true;
        if (is_word(s_[p])) return false;
        return !(s_[p] == '-' && p + 1 < s_.size() && is_word(s_[p + 1]));
    }

    bool sensor_id()
    {
        for (auto const& id : known_) {
            if (s_.size() - i_ < id.size()) continue;
            bool same = true;
            for (std::size_t k = 0; k < id.size() && same; ++k)
                same = lower(s_[i_ + k]) == lower(id[k]);
            if (same && id_ends_at(i_ + id.size())) {
                out_.sensor_ids.push_back({std::string{s_.substr(i_, id.size())}, i_});
                i_ += id.size();
                return true;
            }
        }
        // [a-z]+(-[a-z0-9]+)+ with a digit after the first hyphen.
        std::size_t p = i_;
        while (p < s_.size() && is_alpha(s_[p])) ++p;
        if (p == i_) return false;
        bool has_digit = false;
        std::size_t end = p;
        while (p + 1 < s_.size() && s_[p] == '-' && (is_alpha(s_[p + 1]) || is_digit(s_[p + 1]))) {
            ++p;
            while (p < s_.size() && (is_alpha(s_[p]) || is_digit(s_[p]))) {
                has_digit = has_digit || is_digit(s_[p]);
                ++p;
            }
            end = p;
        }
        if (!has_digit || end == i_ || !id_ends_at(end)) return false;
        out_.sensor_ids.push_back({std::string{s_.substr(i_, end - i_)}, i_});
        i_ = end;
        return true;
    }

    void skip_word()
    {
        while (i_ < s_.size() && is_word(s_[i_])) ++i_;
    }

    // Exactly n digits at p, as a number.
    std::optional<int> digits(std::size_t p, std::size_t n) const noexcept
    {
        if (p + n > s_.size()) return std::nullopt;
        int v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            if (!is_digit(s_[p + k])) return std::nullopt;
            v = v * 10 + (s_[p + k] - '0');
        }
        return v;
    }

    // ":ss" and ".ffffff" after hh:mm at p; returns the end and fills seconds and precision.
    std::size_t seconds_part(std::size_t p, std::chrono::microseconds& sec,
                             std::chrono::microseconds& precision) const noexcept
    {
        using std::chrono::microseconds;
        precision = std::chrono::minutes{1};
        sec = microseconds{0};
        if (p >= s_.size() || s_[p] != ':') return p;
        auto const ss = digits(p + 1, 2);
        if (!ss || *ss > 60 || digit_at(p + 3)) return p;
        sec = std::chrono::seconds{*ss};
        precision = std::chrono::seconds{1};
        p += 3;
        if (p + 1 < s_.size() && s_[p] == '.' && digit_at(p + 1)) {
            ++p;
            std::int64_t frac = 0;
            std::int64_t scale = 1'000'000;
            while (p < s_.size() && is_digit(s_[p])) {
                if (scale > 1) {
                    scale /= 10;
                    frac += (s_[p] - '0') * scale;
                }
                ++p;
            }
            sec += microseconds{frac};
            precision = microseconds{std::max<std::int64_t>(scale, 1)};
        }
        return p;
    }

    // YYYY-MM-DD, optionally followed by [T t space]hh:mm[:ss[.f]][Z|±hh:mm].
    bool date_time()
    {
        using namespace std::chrono;
        std::size_t p = i_;
        auto const y = digits(p, 4);
        if (!y || p + 4 >= s_.size() || s_[p + 4] != '-') return false;
        auto const mo = digits(p + 5, 2);
        if (!mo || p + 7 >= s_.size() || s_[p + 7] != '-') return false;
        auto const d = digits(p + 8, 2);
        if (!d || digit_at(p + 10)) return false;
        year_month_day const ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                                 day{static_cast<unsigned>(*d)}};
        if (!ymd.ok()) return false;
        p += 10;
        stated_time t;
        t.at = time_point_cast<microseconds>(sys_days{ymd});
        t.what = stated_time::kind::date;
        t.precision = days{1};
        if (p + 3 < s_.size() && (s_[p] == 'T' || s_[p] == 't' || s_[p] == ' ')) {
            auto const hh = digits(p + 1, 2);
            auto const mm = digits(p + 4, 2);
            if (hh && mm && s_[p + 3] == ':' && *hh < 24 && *mm < 60 && !digit_at(p + 6)) {
                microseconds sec{0};
                microseconds precision{0};
                p = seconds_part(p + 6, sec, precision);
                t.what = stated_time::kind::instant;
                t.at += hours{*hh} + minutes{*mm} + sec;
                t.precision = precision;
                if (p < s_.size() && (s_[p] == 'Z' || s_[p] == 'z')) {
                    ++p;
                } else if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) {
                    auto const oh = digits(p + 1, 2);
                    auto const om = digits(p + 4, 2);
                    if (oh && om && s_[p + 3] == ':') {
                        auto const offset = hours{*oh} + minutes{*om};
                        t.at += s_[p] == '+' ? -offset : offset;
                        p += 6;
                    }
                }
            }
        }
        t.text = std::string{s_.substr(i_, p - i_)};
        t.pos = i_;
        out_.times.push_back(std::move(t));
        i_ = p;
        return true;
    }

    // h:mm or hh:mm, optionally :ss and a fraction.
    bool clock_time()
    {
        using namespace std::chrono;
        std::size_t p = i_;
        int h = 0;
        std::size_t n = 0;
        while (p < s_.size() && is_digit(s_[p]) && n < 3) {
            h = h * 10 + (s_[p] - '0');
            ++p;
            ++n;
        }
        if (n == 0 || n > 2 || p >= s_.size() || s_[p] != ':' || h > 24) return false;
        auto const mm = digits(p + 1, 2);
        if (!mm || *mm > 59 || digit_at(p + 3)) return false;
        stated_time t;
        t.what = stated_time::kind::clock;
        microseconds sec{0};
        p = seconds_part(p + 3, sec, t.precision);
        t.of_day = hours{h} + minutes{*mm} + sec;
        t.text = std::string{s_.substr(i_, p - i_)};
        t.pos = i_;
        out_.times.push_back(std::move(t));
        i_ = p;
        return true;
    }

    // Digits at `from`, an optional fraction; `negative` when a minus sign came before.
    bool number(std::size_t from, bool negative)
    {
        std::size_t p = from;
        while (p < s_.size() && is_digit(s_[p])) ++p;
        int decimals = 0;
        if (p + 1 < s_.size() && s_[p] == '.' && is_digit(s_[p + 1])) {
            ++p;
            while (p < s_.size() && is_digit(s_[p])) {
                ++p;
                ++decimals;
            }
        }
        double v = 0.0;
        auto const [ptr, ec] = std::from_chars(s_.data() + from, s_.data() + p, v);
        if (ec != std::errc{} || ptr != s_.data() + p) {
            i_ = p;
            return true;
        }
        out_.numbers.push_back(
            {negative ? -v : v, decimals, std::string{s_.substr(i_, p - i_)}, i_});
        i_ = p;
        return true;
    }

    std::string_view s_;
    std::vector<std::string_view> known_;
    std::size_t i_ = 0;
    scan_result out_;
};

} // namespace

scan_result scan(std::string_view text, std::span<std::string const> known_ids)
{
    return scanner{text, known_ids}.run();
}

} // namespace wtf::summarize::detail
