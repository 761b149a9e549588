#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// Raised by the engine (engine.cpp) after suppressions are applied: a pgfence-ignore
// comment that hid nothing, or that names a rule that does not exist.
PGFENCE_RULE(unused_suppression) {
    return Rule{"unused-suppression", Risk::Low, "A pgfence-ignore comment that matches no finding", nullptr, nullptr,
                true, "meta"};
}

}  // namespace pgfence::analyze::rules
