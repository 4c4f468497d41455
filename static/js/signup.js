/* Pre-select the district whose division code the USCC carries (characters 3-8), until the person picks one. */
(function () {
  var uscc = document.getElementById("id_uscc");
  var district = document.getElementById("id_district");
  var wrapper = document.getElementById("district-wrapper");
  if (!uscc || !district) { return; }
  var suggested = wrapper ? wrapper.getAttribute("data-suggested-district") : "";
  var pickedByPerson = district.value !== "" && district.value !== suggested;
  district.addEventListener("change", function () { pickedByPerson = true; });
  uscc.addEventListener("input", function () {
    if (pickedByPerson) { return; }
    var code = uscc.value.replace(/[\s-]/g, "").toUpperCase().slice(2, 8);
    var match = code.length === 6 ? district.querySelector('option[data-division="' + code + '"]') : null;
    district.value = match ? match.value : "";
  });
})();
