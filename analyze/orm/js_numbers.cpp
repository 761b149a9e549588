#include "analyze/orm/js_numbers.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <system_error>

namespace pgfence::analyze::orm {
namespace {

bool digit_of(char c, int base) {
    const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                                                                  : 99;
    return v < base;
}

// The literal without its numeric separators: each `_` must stand between two digits of `base`
// (ECMAScript NumericLiteralSeparator); nullopt when one does not.
std::optional<std::string> without_separators(std::string_view text, int base) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '_') {
            out += text[i];
            continue;
        }
        if (i == 0 || i + 1 == text.size() || !digit_of(text[i - 1], base) || !digit_of(text[i + 1], base)) return std::nullopt;
    }
    return out;
}

// ECMAScript Number::toString(x) for a finite double, from the shortest digits that read back as
// x (std::to_chars picks those, and the nearest of them, as the specification asks).
std::string number_to_string(double x) {
    if (x == 0) return "0";  // -0 too
    if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
    std::string sign = x < 0 ? "-" : "";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
    const std::string sci(buf, r.ptr);  // d[.ddd]e±XX
    const std::size_t e = sci.find('e');
    std::string digits = sci.substr(0, e);
    if (digits.size() > 1) digits.erase(1, 1);  // the point
    const int k = static_cast<int>(digits.size());
    const int n = std::atoi(sci.c_str() + e + 1) + 1;  // x = 0.digits * 10^n
    if (k <= n && n <= 21) return sign + digits + std::string(static_cast<std::size_t>(n - k), '0');
    if (0 < n && n <= 21) return sign + digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    if (-6 < n && n <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    const int exp = n - 1;
    return sign + digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : std::string()) + "e" + (exp < 0 ? "-" : "+") +
           std::to_string(std::abs(exp));
}

}  // namespace

std::optional<std::string> js_number_text(std::string_view literal) {
    if (literal.empty() || literal.back() == 'n') return std::nullopt;  // BigInt
    if (literal.size() > 2 && literal[0] == '0' && std::isalpha(static_cast<unsigned char>(literal[1]))) {
        const char prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(literal[1])));
        const int base = prefix == 'x' ? 16 : prefix == 'o' ? 8 : prefix == 'b' ? 2 : 0;
        if (base == 0) return std::nullopt;
        auto body = without_separators(literal.substr(2), base);
        if (!body || body->empty()) return std::nullopt;
        std::uint64_t value = 0;
        for (char c : *body) {
            if (!digit_of(c, base)) return std::nullopt;
            const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
            value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(v);
            if (value > (std::uint64_t{1} << 53)) return std::nullopt;  // past what a double holds exactly
        }
        return std::to_string(value);
    }
    auto text = without_separators(literal, 10);
    if (!text) return std::nullopt;
    // DecimalLiteral: digits [. digits] [e [+-] digits], or . digits [e ...]; no leading zero
    // before another digit (legacy octal or a NonOctalDecimalIntegerLiteral).
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < text->size() && std::isdigit(static_cast<unsigned char>((*text)[i]))) ++i;
        return i - start;
    };
    const std::size_t whole = digits();
    if (whole > 1 && (*text)[0] == '0') return std::nullopt;
    std::size_t fraction = 0;
    if (i < text->size() && (*text)[i] == '.') {
        ++i;
        fraction = digits();
    }
    if (whole == 0 && fraction == 0) return std::nullopt;
    if (i < text->size() && ((*text)[i] == 'e' || (*text)[i] == 'E')) {
        ++i;
        if (i < text->size() && ((*text)[i] == '+' || (*text)[i] == '-')) ++i;
        if (digits() == 0) return std::nullopt;
    }
    if (i != text->size()) return std::nullopt;
    double value = 0;
    const auto r = std::from_chars(text->data(), text->data() + text->size(), value);
    // Past a double's range (Infinity, or a denormal's underflow to 0): not read.
    if (r.ec != std::errc() || r.ptr != text->data() + text->size()) return std::nullopt;
    return number_to_string(value);
}

}  // namespace pgfence::analyze::orm
