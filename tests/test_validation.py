"""Bad input fails loudly: every public model function rejects NaN, infinities, values out of
range and wrong types with an error that names the parameter and its valid range."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import kinematics as km
from widgets.validation import (check_angle, check_choice, check_fraction, check_positive,
                                check_real)

# Each parameter's valid range (closed bounds safe to sample; open bounds nudged inwards).
VALID = {
    "inclination_deg": (0.5, 89.5), "deviation_deg": km.DEVIATION_RANGE_DEG,
    "pronation_deg": km.PRONATION_RANGE_DEG, "eversion_deg": km.EVERSION_RANGE_DEG,
    "percent_stance": km.PERCENT_STANCE_RANGE, "peak_eversion_deg": (0.1, 30.0),
    "peak_percent": km.PEAK_PERCENT_RANGE, "inversion_fraction": (0.0, 1.0),
    "ratio_early": km.COUPLING_RATIO_RANGE, "ratio_late": km.COUPLING_RATIO_RANGE,
    "tibial_rotation_range_deg": (0.0, 5.0), "knee_flexion_deg": km.KNEE_FLEXION_RANGE_DEG,
    "total_deg": (0.0, 20.0), "onset_deg": km.SCREW_HOME_ONSET_RANGE_DEG,
    "screw_home_onset_deg": km.SCREW_HOME_ONSET_RANGE_DEG,
    "tibial_rotation_deg": km.TIBIAL_ROTATION_RANGE_DEG,
    "femoral_rotation_deg": km.FEMORAL_ROTATION_RANGE_DEG,
    "baseline_q_deg": km.BASELINE_Q_RANGE_DEG, "patella_follows_femur": (0.0, 1.0),
    "patella_offset_mm": (0.0, 100.0), "tubercle_offset_mm": (0.0, 100.0),
    "quadriceps_length_mm": (100.0, 1000.0), "tendon_length_mm": (20.0, 200.0),
    "shank_length": (0.01, 5.0), "thigh_length": (0.01, 5.0),   # open at 0 (BOUNDS)
}

AXIS = ["inclination_deg", "deviation_deg"]
STANCE = ["percent_stance", "peak_eversion_deg", "peak_percent", "inversion_fraction"]
KNEE = ["tibial_rotation_deg", "femoral_rotation_deg", "knee_flexion_deg", "baseline_q_deg",
        "patella_follows_femur", "patella_offset_mm", "tubercle_offset_mm",
        "quadriceps_length_mm", "tendon_length_mm", "screw_home_onset_deg"]
FUNCTIONS = {
    km.subtalar_axis: AXIS,
    km.subtalar_rotation: ["pronation_deg", *AXIS],
    km.pronation_components: ["pronation_deg", *AXIS],
    km.small_angle_transfer_ratio: AXIS,
    km.closed_chain: ["pronation_deg", *AXIS],
    km.closed_chain_from_eversion: ["eversion_deg", *AXIS],
    km.tibial_rotation_from_eversion: ["eversion_deg", *AXIS],
    km.finite_transfer_ratio: ["eversion_deg", *AXIS],
    km.stance_eversion: STANCE,
    km.stance_tibial_rotation: [*STANCE, "ratio_early", "ratio_late"],
    km.tibial_rotation_range: ["peak_eversion_deg", "ratio_early", "ratio_late",
                               "inversion_fraction"],
    km.coupling_ratio_for_range: ["peak_eversion_deg", "tibial_rotation_range_deg",
                                  "inversion_fraction"],
    km.screw_home_rotation: ["knee_flexion_deg", "total_deg", "onset_deg"],
    km.tibiofemoral_rotation: ["tibial_rotation_deg", "femoral_rotation_deg",
                               "knee_flexion_deg", "screw_home_onset_deg"],
    km.knee_state: KNEE,
    km.q_angle: KNEE,
    km.planted_ankle_dorsiflexion: ["knee_flexion_deg", "shank_length", "thigh_length"],
}
CASES = [(function, name) for function, names in FUNCTIONS.items() for name in names]
IDS = [f"{function.__name__}-{name}" for function, name in CASES]


def middle(name):
    low, high = VALID[name]
    return (low + high) / 2


def arguments(function, **override):
    return {name: override.get(name, middle(name)) for name in FUNCTIONS[function]}


def test_every_public_function_is_covered():
    public = {name for name in km.__all__ if callable(getattr(km, name))
              and not isinstance(getattr(km, name), type)}
    assert public == {function.__name__ for function in FUNCTIONS} | {"axis_angles"}


def test_the_middle_of_every_range_is_accepted():
    for function in FUNCTIONS:
        result = function(**arguments(function))
        assert np.all(np.isfinite(np.asarray(result, dtype=float))), function.__name__


@pytest.mark.parametrize("function, name", CASES, ids=IDS)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 1e6, -1e6])
def test_bad_numbers_raise_value_error_naming_the_parameter(function, name, bad):
    with pytest.raises(ValueError, match=name) as error:
        function(**arguments(function, **{name: bad}))
    assert any(ch.isdigit() for ch in str(error.value).split(name, 1)[1])  # states the range


@pytest.mark.parametrize("function, name", CASES, ids=IDS)
@pytest.mark.parametrize("bad", ["10", True, 1 + 2j, object(), np.array(["a"])])
def test_wrong_types_raise_type_error_naming_the_parameter(function, name, bad):
    # A ValueError like every other bad input (the book's rule), and a TypeError as Python
    # code expects; either way the message names the parameter and states the range.
    with pytest.raises(TypeError, match=name) as error:
        function(**arguments(function, **{name: bad}))
    assert isinstance(error.value, ValueError)
    assert any(ch.isdigit() for ch in str(error.value).split(name, 1)[1])  # states the range


@pytest.mark.parametrize("function, name", CASES, ids=IDS)
def test_one_bad_value_in_an_array_is_caught(function, name):
    low, high = VALID[name]
    values = np.array([low, middle(name), math.nan, high])
    with pytest.raises(ValueError, match=name):
        function(**arguments(function, **{name: values}))


def test_inclination_is_an_open_interval():
    for edge in km.INCLINATION_RANGE_DEG:
        with pytest.raises(ValueError, match=r"inclination_deg must be strictly between 0° and 90°"):
            km.small_angle_transfer_ratio(edge, 0.0)


def test_tibiofemoral_rotation_accepts_no_flexion():
    assert km.tibiofemoral_rotation(5.0, 1.0, None) == pytest.approx(4.0)


# The true bounds, where they differ from the sampling ranges above.
BOUNDS = {**VALID, "inclination_deg": km.INCLINATION_RANGE_DEG,
          "peak_eversion_deg": km.PEAK_EVERSION_RANGE_DEG,
          "tibial_rotation_range_deg": (0.0, 2 * km.TIBIAL_ROTATION_RANGE_DEG[1]),
          "shank_length": km.SEGMENT_LENGTH_RANGE_M, "thigh_length": km.SEGMENT_LENGTH_RANGE_M}


def out_of_range(name):
    low, high = BOUNDS[name]
    return st.one_of(st.floats(high + 1e-6, 1e9), st.floats(-1e9, low - 1e-6))


@settings(max_examples=200)
@given(st.data())
def test_random_valid_input_gives_finite_output(data):
    function = data.draw(st.sampled_from([f for f in FUNCTIONS if f is not km.coupling_ratio_for_range]))
    values = {name: data.draw(st.floats(*VALID[name]), label=name) for name in FUNCTIONS[function]}
    result = function(**values)
    assert np.all(np.isfinite(np.asarray(result, dtype=float)))


@settings(max_examples=200)
@given(st.data())
def test_random_out_of_range_input_is_rejected(data):
    function, name = data.draw(st.sampled_from(CASES))
    value = data.draw(out_of_range(name), label=name)
    with pytest.raises(ValueError, match=name):
        function(**arguments(function, **{name: value}))


@given(st.lists(st.floats(-30.0, 30.0), min_size=1, max_size=50))
def test_arrays_give_the_same_numbers_as_scalars(eversions):
    array = km.tibial_rotation_from_eversion(np.array(eversions))
    assert array.shape == (len(eversions),)
    assert array == pytest.approx([km.tibial_rotation_from_eversion(e) for e in eversions])


# --- The helpers themselves ----------------------------------------------------------------
@given(st.one_of(st.integers(-90, 90), st.floats(-90, 90)))
def test_check_angle_returns_a_float_for_a_valid_scalar(value):
    checked = check_angle("angle", value, -90, 90)
    assert isinstance(checked, float) and checked == value


def test_check_angle_returns_float_arrays():
    checked = check_angle("angle", np.array([1, 2, 3]), 0, 10)
    assert checked.dtype == np.float64 and checked.tolist() == [1.0, 2.0, 3.0]
    assert check_angle("angle", [1, 2], 0, 10).tolist() == [1.0, 2.0]
    assert check_angle("angle", np.float32(5), 0, 10) == 5.0


def test_messages_state_the_range():
    with pytest.raises(ValueError, match=r"^flexion must be between 0° and 140° inclusive, got 150"):
        check_angle("flexion", 150, 0, 140)
    with pytest.raises(ValueError, match=r"^x must be strictly between 0° and 90°, got 90"):
        check_angle("x", 90, 0, 90, open_low=True, open_high=True)
    with pytest.raises(ValueError, match=r"in \(0, 1\], got 0"):
        check_real("f", 0, 0, 1, open_low=True)
    with pytest.raises(ValueError, match="must be greater than 0"):
        check_positive("length", -1)
    with pytest.raises(ValueError, match="finite"):
        check_fraction("share", math.nan)


def test_check_choice():
    assert check_choice("preset", "shod", km.STANCE_PRESETS) == "shod"
    with pytest.raises(ValueError, match="preset must be one of 'shod'"):
        check_choice("preset", "barefoot", km.STANCE_PRESETS)
    with pytest.raises(ValueError, match="preset must be one of 'shod'") as error:
        check_choice("preset", 3, km.STANCE_PRESETS)
    assert isinstance(error.value, TypeError)
