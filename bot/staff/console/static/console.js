// Shows how many characters a limited field holds while staff type (the server checks again).
document.querySelectorAll("[data-limit]").forEach(function (field) {
  var limit = parseInt(field.getAttribute("data-limit"), 10);
  var counter = document.createElement("span");
  counter.className = "counter";
  field.insertAdjacentElement("afterend", counter);
  function update() {
    var length = Array.from(field.value).length;
    counter.textContent = length + " / " + limit + " 文字";
    counter.classList.toggle("over", length > limit);
  }
  field.addEventListener("input", update);
  update();
});
