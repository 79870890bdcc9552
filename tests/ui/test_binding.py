"""Two-way binding of widgets to model fields."""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from kmeans_gui.state.events import EventedModel, Field, boolean, one_of, whole_number
from kmeans_gui.ui.common.binding import bind


class Model(EventedModel):
    on = Field(False, boolean)
    count = Field(5, whole_number(1, 10))
    mode = Field("a", one_of("a", "b"))


def test_widget_and_model_follow_each_other_without_echo(qtbot):
    model = Model()
    box, spin, combo, action = QCheckBox(), QSpinBox(), QComboBox(), QAction("x")
    action.setCheckable(True)
    for w in (box, spin, combo):
        qtbot.addWidget(w)
    spin.setRange(0, 100)  # wider than the model allows
    combo.addItem("A", "a")
    combo.addItem("B", "b")
    errors, changes = [], []
    model.events.changed.connect(lambda: changes.append(model.to_dict()))
    bindings = [bind(box, model, "on"), bind(spin, model, "count", on_error=errors.append),
                bind(combo, model, "mode"), bind(action, model, "on")]
    assert spin.value() == 5 and combo.currentData() == "a" and not box.isChecked()

    box.click()  # the user
    assert model.on and action.isChecked() and len(changes) == 1
    action.trigger()
    assert not model.on and not box.isChecked() and len(changes) == 2
    model.count = 7  # the model
    assert spin.value() == 7 and len(changes) == 3
    combo.setCurrentIndex(1)
    assert model.mode == "b"

    spin.setValue(50)  # refused by the model: the widget goes back and says why
    assert model.count == 7 and spin.value() == 7
    assert errors and "count: 50" in errors[0]

    bindings[1].unbind()
    model.count = 3
    assert spin.value() == 7
