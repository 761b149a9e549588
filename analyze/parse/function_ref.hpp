#pragma once
// A callable passed down a call and not kept: a pointer to it and a function that calls it.
// Walkers and rule helpers take one where a std::function would build a wrapper (and allocate
// when the lambda holds more than two references) on every call: the corpus run makes
// hundreds of thousands of such calls. It must not outlive the callable it was made from.
#include <memory>
#include <type_traits>
#include <utility>

namespace pgfence::analyze {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> && std::is_invocable_r_v<R, F&, Args...>)
    FunctionRef(F&& f) noexcept  // NOLINT(google-explicit-constructor): passed like a lambda
        : m_object(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          m_call([](void* object, Args... args) -> R {
              auto& callable = *static_cast<std::remove_reference_t<F>*>(object);
              if constexpr (std::is_void_v<R>) {
                  callable(std::forward<Args>(args)...);
              } else {
                  return callable(std::forward<Args>(args)...);
              }
          }) {}

    R operator()(Args... args) const { return m_call(m_object, std::forward<Args>(args)...); }

private:
    void* m_object;
    R (*m_call)(void*, Args...);
};

}  // namespace pgfence::analyze
