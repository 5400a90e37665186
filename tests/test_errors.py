"""Error values: a bare DomainError cannot exist, every error reads well, inputs have one name."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_domain import (
    ConnectorStatus,
    DomainError,
    InvalidOperation,
    PublishingSucceeded,
    ResourceNotFound,
    SetName,
    errors,
    reducer,
)
from connector_domain.actions import input_name

ERROR_CLASSES = sorted(
    (
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, DomainError) and value is not DomainError
    ),
    key=lambda cls: cls.__name__,
)


class TestDomainError:
    """The base class is only a base."""

    def test_cannot_be_built_bare(self) -> None:
        """DomainError() raises TypeError: it has no code and no message."""
        with pytest.raises(TypeError, match="subclasses"):
            DomainError()

    def test_every_error_class_is_found(self) -> None:
        """The module's errors are the ones listed in its __all__."""
        assert {cls.__name__ for cls in ERROR_CLASSES} == set(errors.__all__) - {"DomainError"}

    @pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
    @given(data=st.data())
    def test_str_is_code_and_message(self, cls: type[DomainError], data: st.DataObject) -> None:
        """str() of every error is its code, a colon, its documented message, and its detail when it has one."""
        error = data.draw(st.from_type(cls))
        detail = getattr(error, "detailed_error_message", "")
        assert str(error) == f"{error.code}: {error.message}" + (f" ({detail})" if detail else "")
        assert str(error) != repr(error)

    def test_str_of_a_detailed_error_names_the_detail(self) -> None:
        """The detail of an InvalidJsonInput, the part that says what is wrong, is in its str()."""
        error = errors.InvalidJsonInput("actions[0].name: required field missing")
        assert str(error) == (
            "InvalidJsonInput: Request body does not contain valid JSON. (actions[0].name: required field missing)"
        )

    def test_resource_not_found_names_exactly_one_of_id_and_key(self) -> None:
        """A ResourceNotFound without id or key, or with both, cannot be built."""
        with pytest.raises(ValueError, match="exactly one"):
            errors.ResourceNotFound()
        with pytest.raises(ValueError, match="exactly one"):
            errors.ResourceNotFound(id="a", key="b")

    def test_str_example(self) -> None:
        """An InvalidOperation reads as its code and the sentence a user sees."""
        error = InvalidOperation("setName", ConnectorStatus.PROCESSING)
        assert (
            str(error) == "InvalidOperation: setName is not allowed while the ConnectorStaged is in status Processing"
        )

    def test_fields_are_typed(self) -> None:
        """An error's own fields refuse a wrong type, naming the field."""
        with pytest.raises(TypeError, match=r"^InvalidOperation\.status: expected ConnectorStatus, got str 'Draft'$"):
            InvalidOperation("setName", "Draft")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^ResourceNotFound\.id: "):
            ResourceNotFound(id=3)  # type: ignore[arg-type]
        assert attrs.evolve(ResourceNotFound(key="k"), key="j") == ResourceNotFound(key="j")


class TestInputName:
    """One function names an input kind for messages and docs."""

    def test_an_action_by_its_wire_name(self) -> None:
        """An action class is named as the wire names it."""
        assert input_name(SetName) == "setName"

    def test_a_service_event_by_its_class_name(self) -> None:
        """A service event class is named by its class name."""
        assert input_name(PublishingSucceeded) == "PublishingSucceeded"

    def test_there_is_only_one(self) -> None:
        """The reducer has no second input_name of its own."""
        assert not hasattr(reducer, "input_name")
